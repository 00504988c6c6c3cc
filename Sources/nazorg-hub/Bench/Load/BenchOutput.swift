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
