/// Rewrites column references in a SQL expression: `fulfillment_status IN ('a')` →
/// `"_slipway_new_fulfillment_status" IN ('a')`.
///
/// A small tokenizer: string literals (`'…'`, `E'…'`), dollar quotes, quoted identifiers and comments are
/// copied untouched; a bare identifier (case-insensitive) or quoted identifier (exact) equal to a key of
/// `renames` is replaced, unless it is qualified (`t.col`) or called (`col(`).
enum ColumnRenamer {
    /// Whether `expression` refers to `column` the way ``rewrite(_:renames:)`` would rewrite it (a bare or
    /// quoted identifier, not qualified, not a function name).
    static func references(_ expression: String, column: String) -> Bool {
        let marker = "\u{1}slipway-column\u{1}"
        return rewrite(expression, renames: [column: marker]) != expression
    }

    static func rewrite(_ expression: String, renames: [String: String]) -> String {
        if renames.isEmpty { return expression }
        let lowered = Dictionary(renames.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        let bytes = Array(expression.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 32)
        var index = 0
        var previousSignificant: UInt8 = 0

        func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 128 }
        func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 48 && c <= 57) || c == 36 }
        func nextSignificant(from start: Int) -> UInt8 {
            var cursor = start
            while cursor < bytes.count, bytes[cursor] == 32 || bytes[cursor] == 9 || bytes[cursor] == 10 || bytes[cursor] == 13 {
                cursor += 1
            }
            return cursor < bytes.count ? bytes[cursor] : 0
        }
        func replacement(for name: String, quoted: Bool, end: Int) -> String? {
            guard previousSignificant != UInt8(ascii: "."), nextSignificant(from: end) != UInt8(ascii: "("),
                nextSignificant(from: end) != UInt8(ascii: ".")
            else { return nil }
            if quoted { return renames[name] }
            return lowered[name.lowercased()]
        }

        while index < bytes.count {
            let c = bytes[index]
            // -- comment
            if c == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "-") {
                while index < bytes.count, bytes[index] != 10 { output.append(bytes[index]); index += 1 }
                continue
            }
            // /* nested */ comment
            if c == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                var depth = 0
                repeat {
                    if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "/"), bytes[index + 1] == UInt8(ascii: "*") {
                        depth += 1
                        output.append(contentsOf: bytes[index...index + 1])
                        index += 2
                    } else if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "*"), bytes[index + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        output.append(contentsOf: bytes[index...index + 1])
                        index += 2
                    } else {
                        output.append(bytes[index])
                        index += 1
                    }
                } while depth > 0 && index < bytes.count
                continue
            }
            // 'string' (also E'…' whose prefix was copied as an identifier character)
            if c == UInt8(ascii: "'") {
                let escapes = index > 0 && (bytes[index - 1] == UInt8(ascii: "E") || bytes[index - 1] == UInt8(ascii: "e"))
                output.append(c)
                index += 1
                while index < bytes.count {
                    let d = bytes[index]
                    output.append(d)
                    index += 1
                    if escapes && d == UInt8(ascii: "\\") && index < bytes.count {
                        output.append(bytes[index])
                        index += 1
                        continue
                    }
                    if d == UInt8(ascii: "'") {
                        if index < bytes.count && bytes[index] == UInt8(ascii: "'") {
                            output.append(bytes[index])
                            index += 1
                            continue
                        }
                        break
                    }
                }
                previousSignificant = c
                continue
            }
            // $tag$ … $tag$
            if c == UInt8(ascii: "$") {
                var end = index + 1
                while end < bytes.count, isIdentPart(bytes[end]), bytes[end] != UInt8(ascii: "$") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "$"), !(index + 1 < bytes.count && bytes[index + 1] >= 48 && bytes[index + 1] <= 57) {
                    let tag = Array(bytes[index...end])
                    output.append(contentsOf: tag)
                    index = end + 1
                    while index < bytes.count {
                        if bytes[index] == UInt8(ascii: "$"), index + tag.count <= bytes.count,
                            Array(bytes[index..<index + tag.count]) == tag
                        {
                            output.append(contentsOf: tag)
                            index += tag.count
                            break
                        }
                        output.append(bytes[index])
                        index += 1
                    }
                    previousSignificant = UInt8(ascii: "$")
                    continue
                }
            }
            // "quoted identifier"
            if c == UInt8(ascii: "\"") {
                var end = index + 1
                var name: [UInt8] = []
                while end < bytes.count {
                    if bytes[end] == UInt8(ascii: "\"") {
                        if end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "\"") {
                            name.append(UInt8(ascii: "\""))
                            end += 2
                            continue
                        }
                        break
                    }
                    name.append(bytes[end])
                    end += 1
                }
                let closing = min(end + 1, bytes.count)
                if let replaced = replacement(for: String(decoding: name, as: UTF8.self), quoted: true, end: closing) {
                    output.append(contentsOf: Array(quoteIdentifier(replaced).utf8))
                } else {
                    output.append(contentsOf: bytes[index..<closing])
                }
                index = closing
                previousSignificant = UInt8(ascii: "\"")
                continue
            }
            if isIdentStart(c) {
                var end = index
                while end < bytes.count, isIdentPart(bytes[end]) { end += 1 }
                // E'…' / U&'…' prefixes: leave to the string branch.
                let word = String(decoding: bytes[index..<end], as: UTF8.self)
                if end < bytes.count, bytes[end] == UInt8(ascii: "'") {
                    output.append(contentsOf: bytes[index..<end])
                    index = end
                    continue
                }
                if let replaced = replacement(for: word, quoted: false, end: end) {
                    output.append(contentsOf: Array(quoteIdentifier(replaced).utf8))
                } else {
                    output.append(contentsOf: bytes[index..<end])
                }
                index = end
                previousSignificant = UInt8(ascii: "a")
                continue
            }
            output.append(c)
            if c != 32 && c != 9 && c != 10 && c != 13 { previousSignificant = c }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
