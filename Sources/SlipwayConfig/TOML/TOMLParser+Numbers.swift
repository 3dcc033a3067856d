extension TOMLParser {
    /// Integers, floats, `inf`/`nan`, and the four date/time forms.
    mutating func parseNumberOrDateTime() throws(TOMLError) -> TOMLValue {
        let start = position()
        if isDigits(at: index, count: 4), peek(4) == UInt8(ascii: "-") {
            return try parseDateOrDateTime(at: start)
        }
        if isDigits(at: index, count: 2), peek(2) == UInt8(ascii: ":") {
            let begin = index
            try parseTime()
            return TOMLValue(.dateTime(TOMLDateTime(kind: .localTime, text: text(from: begin))), at: start)
        }
        let begin = index
        while let byte = peek(), Self.isNumberByte(byte) { advance() }
        // Fast path: a plain decimal integer without underscores.
        let digits = bytes[begin..<index]
        let unsigned = digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") ? digits.dropFirst() : digits[...]
        if !unsigned.isEmpty, unsigned.count <= 18, unsigned.allSatisfy(Self.isDigit), unsigned.first != UInt8(ascii: "0") || unsigned.count == 1 {
            var value: Int64 = 0
            for digit in unsigned { value = value * 10 + Int64(digit - UInt8(ascii: "0")) }
            return TOMLValue(.integer(digits.first == UInt8(ascii: "-") ? -value : value), at: start)
        }
        let token = text(from: begin)
        guard !token.isEmpty else { throw unexpected(expected: "a value") }
        return TOMLValue(try Self.number(token, at: start), at: start)
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    func text(from begin: Int) -> String {
        String(decoding: bytes[begin..<index], as: UTF8.self)
    }

    func isDigits(at start: Int, count: Int) -> Bool {
        (0..<count).allSatisfy { offset in
            guard start + offset < bytes.count else { return false }
            return Self.isDigit(bytes[start + offset])
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: Numbers

    /// Converts a number token (no whitespace; may hold a sign, prefix, underscores, fraction and exponent).
    static func number(_ token: String, at position: SourcePosition) throws(TOMLError) -> TOMLValue.Kind {
        func invalid(_ why: String) -> TOMLError {
            TOMLError(.invalidNumber, "invalid number '\(token)': \(why)", at: position)
        }
        var body = Substring(token)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        switch body {
        case "inf": return .float(sign == "-" ? -.infinity : .infinity)
        case "nan": return .float(sign == "-" ? -.nan : .nan)
        default: break
        }
        for (prefix, radix, name) in [("0x", 16, "hexadecimal"), ("0o", 8, "octal"), ("0b", 2, "binary")] where body.hasPrefix(prefix) {
            if token.first == "+" || token.first == "-" { throw invalid("a \(name) integer cannot have a sign") }
            let digits = body.dropFirst(2)
            guard digits.allSatisfy({ $0 == "_" || $0.hexDigitValue.map { $0 < radix } == true }) else {
                throw invalid("not a \(name) digit")
            }
            try checkUnderscores(digits, invalid)
            guard let value = Int64(String(digits.filter { $0 != "_" }), radix: radix) else {
                throw invalid("out of range for a 64-bit integer")
            }
            return .integer(value)
        }
        // Decimal integer or float: int [ '.' digits ] [ ('e'|'E') [sign] digits ]
        var rest = body
        let integerPart = rest.prefix { $0.isASCII && ($0.isNumber || $0 == "_") }
        rest = rest.dropFirst(integerPart.count)
        guard !integerPart.isEmpty else {
            throw TOMLError(.invalidSyntax, "expected a value, found '\(token)' (strings need quotes)", at: position)
        }
        try checkUnderscores(integerPart, invalid)
        if integerPart.count > 1, integerPart.first == "0" { throw invalid("leading zeros are not allowed") }
        var isFloat = false
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = rest.prefix { $0.isASCII && ($0.isNumber || $0 == "_") }
            guard !fraction.isEmpty else { throw invalid("a '.' must be followed by digits") }
            try checkUnderscores(fraction, invalid)
            rest = rest.dropFirst(fraction.count)
            isFloat = true
        }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
            let exponent = rest.prefix { $0.isASCII && ($0.isNumber || $0 == "_") }
            guard !exponent.isEmpty else { throw invalid("an exponent needs digits") }
            try checkUnderscores(exponent, invalid)
            rest = rest.dropFirst(exponent.count)
            isFloat = true
        }
        guard rest.isEmpty else { throw invalid("unexpected '\(rest)'") }
        let cleaned = sign + String(body.filter { $0 != "_" })
        if isFloat {
            guard let value = Double(cleaned), value.isFinite else { throw invalid("out of range for a 64-bit float") }
            return .float(value)
        }
        guard let value = Int64(cleaned) else { throw invalid("out of range for a 64-bit integer") }
        return .integer(value)
    }

    /// Each underscore must sit between two digits.
    static func checkUnderscores(_ digits: Substring, _ invalid: (String) -> TOMLError) throws(TOMLError) {
        guard !digits.isEmpty else { throw invalid("digits expected") }
        if digits.first == "_" || digits.last == "_" || digits.contains("__") {
            throw invalid("an underscore must be between two digits")
        }
    }

    // MARK: Dates and times

    mutating func parseDateOrDateTime(at start: SourcePosition) throws(TOMLError) -> TOMLValue {
        let begin = index
        try parseDate(at: start)
        let hasTime: Bool
        if let separator = peek(), separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") {
            guard isDigits(at: index + 1, count: 2) else {
                throw TOMLError(.invalidDateTime, "invalid date-time '\(text(from: begin))': expected a time after 'T'", at: start)
            }
            hasTime = true
        } else {
            hasTime = peek() == UInt8(ascii: " ") && isDigits(at: index + 1, count: 2) && peek(3) == UInt8(ascii: ":")
        }
        guard hasTime else {
            try rejectTrailing(begin: begin, at: start)
            return TOMLValue(.dateTime(TOMLDateTime(kind: .localDate, text: text(from: begin))), at: start)
        }
        advance()
        try parseTime()
        var kind = TOMLDateTime.Kind.localDateTime
        switch peek() {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            advance()
            kind = .offsetDateTime
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            advance()
            let offsetBegin = index
            guard isDigits(at: index, count: 2), peek(2) == UInt8(ascii: ":"), isDigits(at: index + 3, count: 2) else {
                throw TOMLError(.invalidDateTime, "invalid date-time '\(text(from: begin))': the offset must be Z or ±HH:MM", at: start)
            }
            let hours = twoDigits(at: offsetBegin)
            let minutes = twoDigits(at: offsetBegin + 3)
            for _ in 0..<5 { advance() }
            guard hours <= 23, minutes <= 59 else {
                throw TOMLError(.invalidDateTime, "invalid date-time '\(text(from: begin))': offset out of range", at: start)
            }
            kind = .offsetDateTime
        default:
            break
        }
        try rejectTrailing(begin: begin, at: start)
        return TOMLValue(.dateTime(TOMLDateTime(kind: kind, text: text(from: begin))), at: start)
    }

    /// A date/time must not run into more value characters (`1979-05-27x`).
    mutating func rejectTrailing(begin: Int, at start: SourcePosition) throws(TOMLError) {
        if let byte = peek(), Self.isNumberByte(byte) || byte == UInt8(ascii: ":") {
            while let byte = peek(), Self.isNumberByte(byte) || byte == UInt8(ascii: ":") { advance() }
            throw TOMLError(.invalidDateTime, "invalid date-time '\(text(from: begin))'", at: start)
        }
    }

    func twoDigits(at position: Int) -> Int {
        guard position + 1 < bytes.count else { return 0 }
        return Int(bytes[position] - UInt8(ascii: "0")) * 10 + Int(bytes[position + 1] - UInt8(ascii: "0"))
    }

    /// `YYYY-MM-DD` with the day checked against the month (and leap years).
    mutating func parseDate(at start: SourcePosition) throws(TOMLError) {
        let begin = index
        guard isDigits(at: index, count: 4), peek(4) == UInt8(ascii: "-"),
              isDigits(at: index + 5, count: 2), peek(7) == UInt8(ascii: "-"), isDigits(at: index + 8, count: 2)
        else {
            while let byte = peek(), Self.isNumberByte(byte) { advance() }
            throw TOMLError(.invalidDateTime, "invalid date '\(text(from: begin))': expected YYYY-MM-DD", at: start)
        }
        let year = twoDigits(at: index) * 100 + twoDigits(at: index + 2)
        let month = twoDigits(at: index + 5)
        let day = twoDigits(at: index + 8)
        for _ in 0..<10 { advance() }
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let daysInMonth = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...daysInMonth[month - 1]).contains(day) else {
            throw TOMLError(.invalidDateTime, "invalid date '\(text(from: begin))': no such day", at: start)
        }
    }

    /// `HH:MM:SS[.fraction]`.
    mutating func parseTime() throws(TOMLError) {
        let start = position()
        let begin = index
        guard isDigits(at: index, count: 2), peek(2) == UInt8(ascii: ":"),
              isDigits(at: index + 3, count: 2), peek(5) == UInt8(ascii: ":"), isDigits(at: index + 6, count: 2)
        else {
            while let byte = peek(), Self.isNumberByte(byte) || byte == UInt8(ascii: ":") { advance() }
            throw TOMLError(.invalidDateTime, "invalid time '\(text(from: begin))': expected HH:MM:SS", at: start)
        }
        let hour = twoDigits(at: index)
        let minute = twoDigits(at: index + 3)
        let second = twoDigits(at: index + 6)
        for _ in 0..<8 { advance() }
        if peek() == UInt8(ascii: ".") {
            advance()
            guard let byte = peek(), Self.isDigit(byte) else {
                throw TOMLError(.invalidDateTime, "invalid time '\(text(from: begin))': a '.' must be followed by digits", at: start)
            }
            while let byte = peek(), Self.isDigit(byte) { advance() }
        }
        guard hour <= 23, minute <= 59, second <= 60 else {
            throw TOMLError(.invalidDateTime, "invalid time '\(text(from: begin))': out of range", at: start)
        }
    }
}
