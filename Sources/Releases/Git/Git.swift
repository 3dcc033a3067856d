import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the `git` executable in one repository through swift-subprocess.
///
/// Every failure becomes a ``ReleaseError`` with code ``ReleaseError/Code/gitFailed`` carrying the command
/// line and git's standard error.
public struct Git: Sendable {
    /// The repository (work tree) directory.
    public var directory: String
    /// The executable name or path.
    public var executable: String
    /// Extra environment variables for every git process.
    public var environment: [String: String]

    /// Creates a runner for `directory`.
    public init(directory: String, executable: String = "git", environment: [String: String] = [:]) {
        self.directory = directory
        self.executable = executable
        self.environment = environment
    }

    /// The output of one git command.
    public struct Output: Sendable {
        /// Standard output bytes.
        public var standardOutput: [UInt8]
        /// Standard error, decoded as UTF-8.
        public var standardError: String
        /// The exit status (`nil` when terminated by a signal).
        public var exitCode: Int32?

        /// Standard output as a string with the trailing newline removed.
        public var text: String {
            var bytes = standardOutput[...]
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Runs `git <arguments>` and returns its output whatever the exit status.
    /// - Throws: ``ReleaseError`` (``ReleaseError/Code/gitFailed``) only when git cannot be started.
    public func runAllowingFailure(_ arguments: [String], input: String? = nil) async throws -> Output {
        let executableValue: Executable =
            executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        var overrides: [Environment.Key: String?] = ["LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"]
        for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }
        let env = Environment.inherit.updating(overrides)
        do {
            if let input {
                let result = try await Subprocess.run(
                    executableValue, arguments: Arguments(arguments), environment: env,
                    workingDirectory: FilePath(directory), input: .string(input),
                    output: .bytes(limit: .max), error: .string(limit: .max))
                return Output(
                    standardOutput: result.standardOutput, standardError: result.standardError.trimmingWhitespace(),
                    exitCode: Self.code(result.terminationStatus))
            } else {
                let result = try await Subprocess.run(
                    executableValue, arguments: Arguments(arguments), environment: env,
                    workingDirectory: FilePath(directory), input: .none,
                    output: .bytes(limit: .max), error: .string(limit: .max))
                return Output(
                    standardOutput: result.standardOutput, standardError: result.standardError.trimmingWhitespace(),
                    exitCode: Self.code(result.terminationStatus))
            }
        } catch {
            throw ReleaseError(
                code: .gitFailed, message: "could not run \(executable): \(error)",
                hint: "install git or set the git executable in the configuration",
                command: commandLine(arguments), underlying: error)
        }
    }

    private static func code(_ status: TerminationStatus) -> Int32? {
        if case .exited(let code) = status { return Int32(code) }
        return nil
    }

    /// Runs `git <arguments>` and returns standard output.
    /// - Throws: ``ReleaseError`` (``ReleaseError/Code/gitFailed``) when git exits non-zero, with the command
    ///   and its standard error.
    @discardableResult
    public func run(_ arguments: [String], input: String? = nil, hint: String = "") async throws -> Output {
        let output = try await runAllowingFailure(arguments, input: input)
        guard output.exitCode == 0 else {
            let firstLine = output.standardError.split(separator: "\n").first.map(String.init) ?? "exit status \(output.exitCode.map(String.init) ?? "signal")"
            throw ReleaseError(
                code: .gitFailed, message: "`\(commandLine(arguments))` failed: \(firstLine)", hint: hint,
                command: commandLine(arguments), standardError: output.standardError)
        }
        return output
    }

    /// The command line as it would be typed (arguments with spaces quoted).
    public func commandLine(_ arguments: [String]) -> String {
        ([executable] + arguments).map { argument in
            argument.contains(where: { $0 == " " || $0 == "\n" || $0 == "\u{1F}" || $0 == "\u{1E}" })
                ? "'\(argument.replacingEscapes())'" : argument
        }.joined(separator: " ")
    }
}

extension String {
    fileprivate func replacingEscapes() -> String {
        var result = ""
        for character in self {
            switch character {
            case "\u{1F}": result += "%x1f"
            case "\u{1E}": result += "%x1e"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }
}
