/// A UTF-8 byte buffer for building large outputs quickly (string `+=` with interpolation is slow at
/// tens of thousands of findings).
struct OutputBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ number: Int) {
        append(String(number))
    }

    /// Appends `text` as a JSON string literal.
    mutating func appendJSONString(_ text: String) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    /// Appends `text` escaped for a GitHub workflow command: `%`, CR, LF always; `:` and `,` in properties.
    mutating func appendWorkflowEscaped(_ text: String, property: Bool) {
        for byte in text.utf8 {
            switch byte {
            case 0x25: bytes.append(contentsOf: [0x25, 0x32, 0x35])  // %25
            case 0x0D: bytes.append(contentsOf: [0x25, 0x30, 0x44])  // %0D
            case 0x0A: bytes.append(contentsOf: [0x25, 0x30, 0x41])  // %0A
            case 0x3A where property: bytes.append(contentsOf: [0x25, 0x33, 0x41])  // %3A
            case 0x2C where property: bytes.append(contentsOf: [0x25, 0x32, 0x43])  // %2C
            default: bytes.append(byte)
            }
        }
    }
}
