/// Where an effective configuration value came from, for `slipway config show`.
public enum ValueSource: Sendable, Hashable {
    /// A command-line flag (`--schema`, `--url`, …).
    case flag
    /// An environment variable, by name (`SLIPWAY_SCHEMA`, `DATABASE_URL`, an environment's `url_env` variable).
    case environment(String)
    /// The configuration file, at this line.
    case file(line: Int)
    /// Slipway's built-in default.
    case `default`

    /// A short explanation: `flag --schema`, `$SLIPWAY_SCHEMA`, `slipway.toml:12`, `default`.
    ///
    /// - Parameters:
    ///   - flag: The flag's spelling, used for ``flag``.
    ///   - file: The configuration file's name, used for ``file(line:)``.
    public func explanation(flag: String? = nil, file: String? = nil) -> String {
        switch self {
        case .flag: flag.map { "flag \($0)" } ?? "command-line flag"
        case .environment(let name): "$" + name
        case .file(let line): "\(file ?? "slipway.toml"):\(line)"
        case .default: "default"
        }
    }
}
