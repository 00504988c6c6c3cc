/// Patterns of `Contracts/schemas/common.json` for values that arrive from outside (request
/// bodies, URL paths, headers), anchored with `\A…\z` and in ASCII classes only (ICU's `\d`
/// would also take other scripts' digits). Check them with a whole-string match.
public enum ContractPatterns {
    /// `Identifier`: notice, task and other opaque ids.
    public static let identifier = #"\A[A-Za-z0-9._:-]{1,64}\z"#
    /// `PartnerId`.
    public static let partnerId = #"\A[a-z0-9][a-z0-9-]{1,40}\z"#
    /// A JSON field name that an error message may repeat; any other name is submitted data.
    public static let fieldName = #"\A[A-Za-z][A-Za-z0-9_]{0,63}\z"#
}
