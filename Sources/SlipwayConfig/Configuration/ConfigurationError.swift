/// A problem with Slipway's configuration: where it is (file, line, column, key path) and what is wrong.
///
/// Its description is the one line the CLI prints, e.g.
/// `slipway.toml:12:1: unknown key 'environments.production.bakup_required' (did you mean 'backup_required'?)`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; stable for tests and tools, independent of the message wording.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case invalidTOML = "invalid TOML"
            case unknownKey = "unknown key"
            case wrongType = "wrong type"
            case invalidValue = "invalid value"
            case invalidDuration = "invalid duration"
            case missingKey = "missing key"
            case passwordInFile = "password in file"
            case undefinedEnvironment = "undefined environment"
            case missingEnvironmentVariable = "missing environment variable"
            case fileNotFound = "file not found"
            case unreadableFile = "unreadable file"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file is not valid TOML (the message is the parser's; nothing else is checked then).
        public static let invalidTOML = Code(.invalidTOML)
        /// A key Slipway does not know, at any level.
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong TOML type (a string where an integer belongs, …).
        public static let wrongType = Code(.wrongType)
        /// A value of the right type that is not allowed (an unknown choice, a number out of range, …).
        public static let invalidValue = Code(.invalidValue)
        /// A duration that is not a number with a unit (`"500ms"`, `"2s"`, `"1m30s"`, `"1h"`).
        public static let invalidDuration = Code(.invalidDuration)
        /// A required key is missing (in `[[release.version_files]]` and `[[release.components]]`).
        public static let missingKey = Code(.missingKey)
        /// A connection URL or keyword string in the file contains a password.
        public static let passwordInFile = Code(.passwordInFile)
        /// `--env`/`SLIPWAY_ENV` names an environment the file does not define.
        public static let undefinedEnvironment = Code(.undefinedEnvironment)
        /// The selected environment takes its connection from a variable that is not set.
        public static let missingEnvironmentVariable = Code(.missingEnvironmentVariable)
        /// `--config`/`SLIPWAY_CONFIG` names a file that does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The configuration file exists but cannot be read.
        public static let unreadableFile = Code(.unreadableFile)

        public var description: String { value.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// One line, without the position: what is wrong and, where it helps, what to do.
    public var message: String
    /// The file as the user knows it (`slipway.toml`, or the path given with `--config`); `nil` when the
    /// problem is not in a file (a bad `SLIPWAY_LOCK_TIMEOUT`, an undefined `--env`).
    public var file: String?
    /// Where in the file, if known.
    public var position: SourcePosition?
    /// The dotted key path the problem is about (`environments.production.lock.lock_timeout`), if any.
    public var keyPath: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, file: String? = nil, position: SourcePosition? = nil, keyPath: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.position = position
        self.keyPath = keyPath
    }

    /// `FILE:LINE:COLUMN: message`, or as much of the location as is known.
    public var description: String {
        switch (file, position) {
        case let (file?, position?): "\(file):\(position.line):\(position.column): \(message)"
        case let (file?, nil): "\(file): \(message)"
        case let (nil, position?): "\(position.line):\(position.column): \(message)"
        case (nil, nil): message
        }
    }
}
