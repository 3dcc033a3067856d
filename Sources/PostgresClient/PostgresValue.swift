import Foundation

/// A Swift value that can be sent as a bound parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The text form of the value, or `nil` for SQL NULL.
    var postgresText: String? { get }
    /// The parameter's type OID, or 0 to let the server infer it from context.
    static var postgresTypeOID: UInt32 { get }
}

extension PostgresEncodable {
    public static var postgresTypeOID: UInt32 { 0 }
}

/// A Swift value that can be decoded from PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    /// Decodes the text form of a non-NULL value; returns `nil` when the text is not a valid value.
    init?(postgresText: String)
}

/// Well-known type OIDs.
public enum PostgresTypeOID {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let textArray: UInt32 = 1009
    public static let int8Array: UInt32 = 1016
    public static let timestamptz: UInt32 = 1184
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.text }
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int8 }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int4 }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int16: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.int2 }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension UInt32: PostgresEncodable, PostgresDecodable {
    // OIDs and other unsigned 32-bit values.
    public var postgresText: String? { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.float8 }
    public init?(postgresText: String) {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default: self.init(postgresText)
        }
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "true" : "false" }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.bool }
    public init?(postgresText: String) {
        switch postgresText.lowercased() {
        case "t", "true", "on", "yes", "1": self = true
        case "f", "false", "off", "no", "0": self = false
        default: return nil
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { uuidString.lowercased() }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.uuid }
    public init?(postgresText: String) { self.init(uuidString: postgresText) }
}

/// Binary data, sent and received as `bytea` (hex format).
public struct PostgresBytes: PostgresEncodable, PostgresDecodable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.bytea }
    public var postgresText: String? {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
    public init?(postgresText: String) {
        let utf8 = Array(postgresText.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0
        else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        self.bytes = result
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    /// Sent as `timestamptz` in ISO 8601 with microseconds, UTC.
    public var postgresText: String? {
        let seconds = timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        let date = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
        return date
    }
    public static var postgresTypeOID: UInt32 { PostgresTypeOID.timestamptz }

    /// Decodes `timestamptz` text output in the ISO DateStyle (`2026-11-23 08:59:21.123456+00`).
    public init?(postgresText: String) {
        let text = Array(postgresText.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= text.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                let c = text[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard text.count >= 19, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < text.count && text[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < text.count, text[index] >= 48, text[index] <= 57 {
                fraction += Double(text[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < text.count && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            let sign = text[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            let oh = number(index, 2) ?? 0
            index += 2
            var om = 0
            var os = 0
            if index < text.count && text[index] == UInt8(ascii: ":") {
                om = number(index + 1, 2) ?? 0
                index += 3
                if index < text.count && text[index] == UInt8(ascii: ":") { os = number(index + 1, 2) ?? 0 }
            }
            offsetSeconds = sign * (oh * 3600 + om * 60 + os)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        self = Date(timeIntervalSince1970: Double(epoch) + fraction - Double(offsetSeconds))
    }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// Sent as an array literal (`{"a","b"}`), elements quoted and escaped; NULL elements as `NULL`.
    public var postgresText: String? {
        let items = self.map { element -> String in
            guard let text = element.postgresText else { return "NULL" }
            var escaped = "\""
            for character in text {
                if character == "\"" || character == "\\" { escaped.append("\\") }
                escaped.append(character)
            }
            escaped.append("\"")
            return escaped
        }
        return "{" + items.joined(separator: ",") + "}"
    }
    public static var postgresTypeOID: UInt32 {
        switch Element.postgresTypeOID {
        case PostgresTypeOID.text: return PostgresTypeOID.textArray
        case PostgresTypeOID.int8: return PostgresTypeOID.int8Array
        default: return 0
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// Decodes a one-dimensional array literal (`{a,"b c",NULL}`); NULL elements are not allowed.
    public init?(postgresText: String) {
        var chars = Array<Character>(postgresText)
        // Optional dimension decoration: [1:3]={...}
        if chars.first == "[", let eq = chars.firstIndex(of: "=") { chars = Array<Character>(chars[(eq + 1)...]) }
        guard chars.first == "{", chars.last == "}" else { return nil }
        var result: [Element] = []
        var index = 1
        let end = chars.count - 1
        if index == end {
            self = []
            return
        }
        while index <= end {
            var item = ""
            var quoted = false
            if chars[index] == "\"" {
                quoted = true
                index += 1
                while index < end && chars[index] != "\"" {
                    if chars[index] == "\\" { index += 1 }
                    if index < end { item.append(chars[index]) }
                    index += 1
                }
                index += 1  // closing quote
            } else {
                while index < end && chars[index] != "," {
                    item.append(chars[index])
                    index += 1
                }
            }
            if !quoted && item == "NULL" { return nil }
            guard let value = Element(postgresText: item) else { return nil }
            result.append(value)
            index += 1  // comma or closing brace
        }
        self = result
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText ?? nil }
    public static var postgresTypeOID: UInt32 { Wrapped.postgresTypeOID }
}
