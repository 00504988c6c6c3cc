import Foundation

/// Prints a progress line at once, marked as such.
func progress(_ text: String) {
    printFlushed("[bench] " + text)
}

/// `12345` as `12,345`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(digit)
    }
    return value < 0 ? "-" + out : out
}

/// One line of a benchmark's summary: the figure's name, its value, and the target beside
/// it with the verdict when it has one.
func summaryLine(_ name: String, _ value: String, target: String = "", ok: Bool? = nil) {
    var text = "  " + padded(name, 14) + " " + value
    if !target.isEmpty { text = padded(text, 62) + "  target " + target + (ok.map { $0 ? ": met" : ": MISSED" } ?? "") }
    printFlushed(text)
}

/// `text` padded with spaces to `width`; longer text is kept whole.
func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
