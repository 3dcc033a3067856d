import ArgumentParser
import Foundation
import Slipway

/// Unbuffered writes to stdout/stderr.
struct FileHandleOutput: Sendable {
    let descriptor: Int32
    static let standardOutput = FileHandleOutput(descriptor: 1)
    static let standardError = FileHandleOutput(descriptor: 2)

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBufferPointer { buffer in
                Foundation.write(descriptor, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Renders command results: colours only on a TTY and never with NO_COLOR; errors on stderr.
struct Terminal: Sendable {
    var format: OutputFormat
    var verbose: Bool
    var colorAllowed: Bool

    var useColor: Bool {
        colorAllowed && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    func line(_ text: String = "") { FileHandleOutput.standardOutput.write(text + "\n") }

    func paint(_ text: String, _ code: String) -> String { useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint(text, "1") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func red(_ text: String) -> String { paint(text, "31") }
    func dim(_ text: String) -> String { paint(text, "2") }

    /// Prints a value as pretty, key-sorted JSON.
    func json<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) {
            line(text)
        }
    }

    /// Prints one compact JSON object per line (event streams).
    func jsonLine<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) {
            line(text)
        }
    }

    /// Reports an error (one line, hint, details with --verbose) and returns the exit code to use.
    func fail(_ error: any Error) -> ExitCode {
        let slipwayError = SlipwayError.from(error)
        if format == .json {
            struct JSONError: Encodable {
                var error: String
                var hint: String?
                var exitCode: Int32
                var details: String?
            }
            jsonLine(JSONError(
                error: slipwayError.message, hint: slipwayError.hint, exitCode: slipwayError.exitCode.rawValue,
                details: verbose ? slipwayError.details : nil))
        }
        let prefix = useColorOnStderr ? "\u{1B}[31merror:\u{1B}[0m" : "error:"
        printError("\(prefix) \(slipwayError.message)")
        if let hint = slipwayError.hint { printError("hint: \(hint)") }
        if verbose, let details = slipwayError.details, !details.isEmpty { printError(details) }
        return ExitCode(slipwayError.exitCode.rawValue)
    }

    private var useColorOnStderr: Bool {
        colorAllowed && isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Runs `body`, turning any thrown error into a reported error and its exit code.
    func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }
}
