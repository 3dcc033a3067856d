/// A TOML date, time or date-time, kept as its original text.
///
/// Slipway's configuration has no date-valued keys; the parser still reads them exactly (and validates their
/// ranges) so that any valid TOML document parses, and keeps the text so nothing is lost in a conversion.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    /// Which of TOML's four date/time forms this is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `1979-05-27T07:32:00Z`, `1979-05-27 00:32:00.999-07:00`.
        case offsetDateTime = "offset date-time"
        /// `1979-05-27T07:32:00`.
        case localDateTime = "local date-time"
        /// `1979-05-27`.
        case localDate = "local date"
        /// `07:32:00.999`.
        case localTime = "local time"
    }

    /// Which form this is.
    public var kind: Kind
    /// The text exactly as written in the document.
    public var text: String

    /// Creates a date/time value from its kind and text (the text is not validated here).
    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    public var description: String { text }
}
