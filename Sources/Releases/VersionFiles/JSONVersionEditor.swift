/// Replaces one string value in a JSON document in place, keeping all other bytes (formatting, key order).
enum JSONVersionEditor {
    static func replace(in contents: String, keyPath: String, with version: String, path: String) throws -> String {
        let bytes = Array(contents.utf8)
        var scanner = Scanner(bytes: bytes, target: keyPath.split(separator: ".").map(String.init))
        do {
            scanner.skipWhitespace()
            try scanner.value(path: [])
            scanner.skipWhitespace()
            guard scanner.index == bytes.count else { throw Scanner.Failure(offset: scanner.index, reason: "trailing characters") }
        } catch let failure as Scanner.Failure {
            throw ReleaseError(
                code: .versionFileInvalid,
                message: "\(path) is not valid JSON (byte \(failure.offset): \(failure.reason))",
                hint: "fix \(path) or change its kind in [[release.version_files]]", path: path)
        }
        guard let found = scanner.found else {
            throw ReleaseError(
                code: .versionFileNoMatch, message: "\(path) has no key '\(keyPath)'",
                hint: "add the key or fix the key path (dotted, array indexes as numbers)", path: path)
        }
        guard bytes[found.lowerBound] == UInt8(ascii: "\"") else {
            throw ReleaseError(
                code: .versionFileInvalid, message: "'\(keyPath)' in \(path) is not a string",
                hint: "the version must be stored as a JSON string", path: path)
        }
        var escaped = "\""
        for scalar in version.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        escaped += "\""
        let result = Array(bytes[..<found.lowerBound]) + Array(escaped.utf8) + Array(bytes[found.upperBound...])
        return String(decoding: result, as: UTF8.self)
    }

    struct Scanner {
        struct Failure: Error {
            var offset: Int
            var reason: String
        }
        let bytes: [UInt8]
        let target: [String]
        var index = 0
        var found: Range<Int>?

        init(bytes: [UInt8], target: [String]) {
            self.bytes = bytes
            self.target = target
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard index < bytes.count, bytes[index] == byte else {
                throw Failure(offset: index, reason: "expected '\(Character(Unicode.Scalar(byte)))'")
            }
            index += 1
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var result: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: result, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.count else { break }
                    let escaped = bytes[index]
                    switch escaped {
                    case UInt8(ascii: "n"): result.append(0x0A)
                    case UInt8(ascii: "t"): result.append(0x09)
                    case UInt8(ascii: "u"): index += 4
                    default: result.append(escaped)
                    }
                    index += 1
                    continue
                }
                if byte < 0x20 { throw Failure(offset: index, reason: "control character in string") }
                result.append(byte)
                index += 1
            }
            throw Failure(offset: index, reason: "unterminated string")
        }

        mutating func value(path: [String]) throws {
            skipWhitespace()
            let start = index
            guard index < bytes.count else { throw Failure(offset: index, reason: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                }
                while true {
                    skipWhitespace()
                    let key = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    try value(path: path + [key])
                    skipWhitespace()
                    guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "}"))
                    break
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    break
                }
                var position = 0
                while true {
                    try value(path: path + [String(position)])
                    position += 1
                    skipWhitespace()
                    guard index < bytes.count else { throw Failure(offset: index, reason: "unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "]"))
                    break
                }
            case UInt8(ascii: "\""):
                _ = try string()
            default:
                let literalStart = index
                while index < bytes.count, !([0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index])) { index += 1 }
                let literal = String(decoding: bytes[literalStart..<index], as: UTF8.self)
                guard ["true", "false", "null"].contains(literal) || Double(literal) != nil else {
                    throw Failure(offset: literalStart, reason: "unexpected '\(literal.prefix(20))'")
                }
            }
            if found == nil && path == target { found = start..<index }
        }
    }
}
