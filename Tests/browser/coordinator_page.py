#!/usr/bin/env python3
"""Drives the coordinator page in headless Chromium the way a coordinator would.

    coordinator_page.py BASE_URL TOKEN OUTPUT_DIR --surname NAME --reason CODE
                        [--note TEXT] [--reassign | --require-reassign]

Logs in with TOKEN, opens the inbox, finds an escalation with reason CODE (a code such as
`unannounced-release`) for the person named NAME, opens the person's case, resolves that
escalation with a note, checks that it shows as resolved there and is gone from the inbox,
and, when the case has an open task that may go to another partner, reassigns it and checks
that the new partner holds it (`--require-reassign` fails when no such task exists).
Screenshots of every step go to OUTPUT_DIR (never commit them: they show synthetic persons,
but the page is built to show real ones).

Exits 0 when everything was seen as expected; otherwise prints `FAIL: <what>` and exits 1
(2 for wrong arguments or a browser that cannot start). Needs Debian's `chromium` and
`chromium-driver` and pip's `selenium` (scripts/install-deps.sh installs them).
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

WAIT_SECONDS = 30


class Failure(Exception):
    pass


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        raise SystemExit("FAIL: chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1100", "--lang=nl-NL"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(driver_path), options=options)


class Coordinator:
    def __init__(self, driver, base: str, output: Path) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.base = base.rstrip("/")
        self.output = output
        self.wait = WebDriverWait(driver, WAIT_SECONDS)
        self.shots = 0

    def shot(self, name: str) -> None:
        self.shots += 1
        path = self.output / f"{self.shots:02d}-{name}.png"
        if not self.driver.save_screenshot(str(path)):
            raise Failure(f"could not save screenshot {path}")
        print(f"screenshot {path}")

    def find(self, css: str, what: str):
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By

        try:
            return self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, css))
        except TimeoutException:
            raise Failure(f"{what} not on {self.driver.current_url} (looked for {css})") from None

    def all(self, css: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def submit(self, form) -> None:
        """Submits a form and waits for the page that the redirect leads to."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

        old = self.driver.find_element("tag name", "html")
        form.find_element("css selector", "button[type=submit]").click()

        def replaced(_driver) -> bool:
            # While the next page loads, ChromeDriver may answer a look at the old page's node
            # with "Node with given id does not belong to the document" rather than a stale
            # reference; both mean the old page is gone.
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        self.wait.until(replaced)

    def message(self) -> str:
        return self.find("#melding", "the message after the action").text

    def login(self, token: str) -> None:
        self.driver.get(f"{self.base}/coordinator/login")
        self.find("#token", "the login form").send_keys(token)
        self.submit(self.find("form#inloggen", "the login form"))
        if not self.driver.current_url.endswith("/coordinator/inbox"):
            text = self.all("#melding")
            raise Failure(f"login did not lead to the inbox but to {self.driver.current_url}"
                          + (f" ({text[0].text})" if text else ""))

    def open_inbox(self) -> None:
        """Opens the inbox and waits until it is the page shown (a table or its empty note)."""
        self.driver.get(f"{self.base}/coordinator/inbox")
        self.wait.until(lambda d: d.current_url.endswith("/coordinator/inbox"))
        self.find("#inbox, #inbox-leeg", "the inbox")

    def escalation_in_inbox(self, surname: str, reason: str):
        self.find("#inbox, #inbox-leeg", "the inbox")
        rows = [row for row in self.all(f'#inbox tr[data-reason="{reason}"]') if surname in row.text]
        if not rows:
            seen = [(row.get_attribute("data-reason"), row.text[:60]) for row in self.all("#inbox tr[data-escalation]")]
            raise Failure(f"no {reason} escalation for {surname} in the inbox; it shows {seen}")
        return rows[0]

    def run(self, token: str, surname: str, reason: str, note: str, reassign: str) -> None:
        self.login(token)
        row = self.escalation_in_inbox(surname, reason)
        escalation = row.get_attribute("data-escalation")
        self.shot("inbox")

        row.find_element("css selector", "a").click()
        heading = self.find("h1#persoon", "the case's person")
        if surname not in heading.text:
            raise Failure(f"the case page shows {heading.text!r}, not {surname}")
        self.find(f'#escalaties tr[data-escalation="{escalation}"]', "the escalation on the case page")
        self.shot("case")

        form = self.find(f'form[id="oplossen-{escalation}"]', "the resolve form")
        form.find_element("css selector", "textarea[name=note]").send_keys(note)
        self.submit(form)
        if "opgelost" not in self.message():
            raise Failure(f"resolving said {self.message()!r}")
        status = self.find(f'#escalaties tr[data-escalation="{escalation}"] td.status', "the escalation's status").text
        if not status.startswith("Opgelost"):
            raise Failure(f"the escalation shows {status!r} after resolving")
        if note not in self.find(f'#escalaties tr[data-escalation="{escalation}"] td.notitie', "the note").text:
            raise Failure("the resolving note is not shown with the escalation")
        self.shot("resolved")
        case_url = self.driver.current_url

        self.open_inbox()
        if self.all(f'tr[data-escalation="{escalation}"]'):
            raise Failure("the resolved escalation is still in the inbox")
        self.shot("inbox-after")

        if reassign == "no":
            return
        self.driver.get(case_url)
        self.find("h1#persoon", "the case page")
        forms = self.all('form[id^="toewijzen-"]')
        if not forms:
            if reassign == "required":
                raise Failure("the case has no open task that another partner may take")
            print("no task to reassign: skipped")
            return
        form = forms[0]
        task = form.get_attribute("id").removeprefix("toewijzen-")
        choice = form.find_element("css selector", "select[name=partnerId] option")
        partner = choice.get_attribute("value")
        choice.click()
        form.find_element("css selector", "input[name=reason]").send_keys("Browsertest: andere partner")
        self.submit(form)
        if f"toegewezen aan {partner}" not in self.message():
            raise Failure(f"reassigning said {self.message()!r}")
        holders = [row.find_element("css selector", "td.partner").text for row in self.all("#taken tr[data-task]")
                   if row.get_attribute("data-task") != task]
        if partner not in holders:
            raise Failure(f"no task of {partner} on the case after reassigning; partners shown: {holders}")
        self.shot("reassigned")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--surname", required=True, help="the person's surname the inbox shows")
    parser.add_argument("--reason", required=True, help="the escalation's reason code")
    parser.add_argument("--note", default="Opgelost in de browsertest.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--no-reassign", dest="reassign", action="store_const", const="no")
    group.add_argument("--require-reassign", dest="reassign", action="store_const", const="required")
    parser.set_defaults(reassign="optional")
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    try:
        driver = browser()
    except SystemExit:
        raise
    except Exception as error:  # the browser or its driver would not start
        print(f"FAIL: headless Chromium did not start: {error}")
        return 2
    coordinator = Coordinator(driver, args.base_url, args.output_dir)
    try:
        coordinator.run(args.token, args.surname, args.reason, args.note, args.reassign)
    except Failure as failure:
        print(f"FAIL: {failure}")
        try:
            coordinator.shot("failure")
        except Exception:
            pass
        return 1
    except Exception as error:
        print(f"FAIL: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        return 1
    finally:
        driver.quit()
    print("coordinator page: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
