/// Converts monotonically increasing byte offsets into line/column positions in one linear pass.
struct PositionTracker {
    private var offset = 0
    private var line = 1
    private var column = 1

    init() {}

    /// The position of `target`, which must not be smaller than any offset asked for before.
    mutating func position(at target: Int, in bytes: [UInt8]) -> SourcePosition {
        var offset = self.offset
        var line = self.line
        var column = self.column
        while offset < target {
            let byte = bytes[offset]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            offset += 1
        }
        self.offset = offset
        self.line = line
        self.column = column
        return SourcePosition(offset: target, line: line, column: column)
    }
}
