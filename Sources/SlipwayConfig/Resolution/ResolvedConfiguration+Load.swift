extension ResolvedConfiguration {
    /// Finds, reads, decodes and resolves the configuration in one step.
    ///
    /// - Parameters:
    ///   - flags: The command-line values (including `--config`).
    ///   - environment: The process environment.
    ///   - currentDirectory: Where the search for `slipway.toml` starts.
    /// - Throws: ``ConfigurationErrors`` from ``ConfigurationDiscovery/locate(flags:environment:currentDirectory:)``,
    ///   ``SlipwayConfiguration/load(path:file:)`` or ``resolve(file:environment:flags:)``.
    public static func load(
        flags: ConfigurationFlags, environment: [String: String], currentDirectory: String
    ) throws(ConfigurationErrors) -> ResolvedConfiguration {
        let location = try ConfigurationDiscovery.locate(flags: flags, environment: environment, currentDirectory: currentDirectory)
        let file = try location.map { location throws(ConfigurationErrors) in
            try SlipwayConfiguration.load(path: location.path, file: location.displayName)
        }
        var resolved = try resolve(file: file, environment: environment, flags: flags)
        resolved.sources[.configFile] = location?.source ?? .default
        return resolved
    }
}
