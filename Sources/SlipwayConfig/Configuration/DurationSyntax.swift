/// Slipway's duration strings: whole numbers with units, largest unit first — `"500ms"`, `"2s"`, `"1m30s"`, `"1h"`.
///
/// Units: `h` (hours), `m` (minutes), `s` (seconds), `ms` (milliseconds). Each unit may appear once, in that
/// order. Bare integers are not durations: `lock_timeout = 2000` is an error, because `2000` could mean
/// milliseconds (PostgreSQL) or seconds (many other tools).
public enum DurationSyntax {
    /// The units in the order they must appear, with their length in milliseconds.
    static let units: [(name: String, milliseconds: Int64)] = [("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]

    /// What a valid duration looks like, for error messages.
    public static let expectation = "a number with a unit: \"500ms\", \"2s\", \"1m30s\", \"1h\" (units h, m, s, ms)"

    /// Parses a duration string; `nil` if it is not valid.
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var index = 0
        var total: Int64 = 0
        var nextUnit = 0
        while index < bytes.count {
            var number: Int64 = 0
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (times, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                number = sum
                index += 1
            }
            guard index > start else { return nil }
            let unitStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") { index += 1 }
            let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            guard let position = units.firstIndex(where: { $0.name == unit }), position >= nextUnit else { return nil }
            nextUnit = position + 1
            let (part, overflow1) = number.multipliedReportingOverflow(by: units[position].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// Formats a duration the way the configuration writes it (`"1m30s"`, `"200ms"`, `"0ms"`); sub-millisecond
    /// parts are dropped.
    public static func format(_ duration: Duration) -> String {
        var remaining = milliseconds(duration)
        guard remaining > 0 else { return "0ms" }
        var text = ""
        for unit in units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.name)"
            remaining %= unit.milliseconds
        }
        return text
    }

    /// Whole milliseconds of a duration (rounded down).
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
    }
}
