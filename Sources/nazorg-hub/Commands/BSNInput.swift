import ArgumentParser
import Foundation
import NazorgContracts

/// A person's BSN on the command line: from standard input (`--bsn-stdin`, which keeps it out
/// of the shell history and the process list) or, for tests and one-offs, `--bsn`.
struct BSNInput: ParsableArguments {
    @Option(help: "The person's BSN. Prefer --bsn-stdin: an argument shows in the process list.")
    var bsn: String?
    @Flag(help: "Read the BSN from the first line of standard input.")
    var bsnStdin = false

    func validate() throws {
        guard (bsn == nil) != !bsnStdin else { throw ValidationError("Give the BSN with exactly one of --bsn and --bsn-stdin.") }
    }

    /// The BSN given, checked by the elfproef.
    func read() throws -> String {
        let given = bsnStdin ? readLine(strippingNewline: true) : bsn
        guard let candidate = given?.trimmingCharacters(in: .whitespaces), Bsn.isValid(candidate) else {
            throw ValidationError("The BSN must be nine digits passing the elfproef.")
        }
        return candidate
    }
}
