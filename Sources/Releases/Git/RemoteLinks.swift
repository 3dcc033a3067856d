/// Commit and compare links derived from a remote URL on GitHub, GitLab or Bitbucket.
///
/// Understands `https://host/owner/repo(.git)`, `ssh://git@host[:port]/owner/repo.git`,
/// `git@host:owner/repo.git` and `http://user@host/...`; GitLab subgroups are kept.
public struct RemoteLinks: Sendable, Hashable, Codable {
    /// The hosting service.
    public enum Host: String, Sendable, Hashable, Codable {
        /// github.com or a GitHub Enterprise host containing "github".
        case github
        /// gitlab.com or a host containing "gitlab".
        case gitlab
        /// bitbucket.org or a host containing "bitbucket".
        case bitbucket
    }

    /// The service.
    public var host: Host
    /// `https://host/owner/repo`.
    public var baseURL: String

    /// Creates links for a known base URL.
    public init(host: Host, baseURL: String) {
        self.host = host
        self.baseURL = baseURL
    }

    /// Parses a remote URL; `nil` for unknown hosts or local paths.
    public init?(remoteURL: String) {
        var url = remoteURL.trimmingWhitespace()
        var hostName: String
        var path: String
        if let schemeRange = url.range(of: "://") {
            url = String(url[schemeRange.upperBound...])
            guard let slash = url.firstIndex(of: "/") else { return nil }
            var authority = String(url[..<slash])
            path = String(url[url.index(after: slash)...])
            if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
            if let colon = authority.firstIndex(of: ":") { authority = String(authority[..<colon]) }
            hostName = authority
        } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") {
            var authority = String(url[..<colon])
            if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
            hostName = authority
            path = String(url[url.index(after: colon)...])
        } else {
            return nil
        }
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix(".git") { path.removeLast(4) }
        while path.hasPrefix("/") { path.removeFirst() }
        guard path.split(separator: "/").count >= 2, !hostName.isEmpty else { return nil }
        let lowered = hostName.lowercased()
        let host: Host
        if lowered.contains("github") {
            host = .github
        } else if lowered.contains("gitlab") {
            host = .gitlab
        } else if lowered.contains("bitbucket") {
            host = .bitbucket
        } else {
            return nil
        }
        if lowered.hasPrefix("ssh.") { hostName = String(hostName.dropFirst(4)) }
        self.init(host: host, baseURL: "https://\(hostName)/\(path)")
    }

    /// The web page of one commit.
    public func commitURL(_ hash: String) -> String {
        switch host {
        case .github: return "\(baseURL)/commit/\(hash)"
        case .gitlab: return "\(baseURL)/-/commit/\(hash)"
        case .bitbucket: return "\(baseURL)/commits/\(hash)"
        }
    }

    /// The web page comparing two revisions (tags or hashes).
    public func compareURL(from: String, to: String) -> String {
        switch host {
        case .github: return "\(baseURL)/compare/\(from)...\(to)"
        case .gitlab: return "\(baseURL)/-/compare/\(from)...\(to)"
        case .bitbucket: return "\(baseURL)/branches/compare/\(to)%0D\(from)"
        }
    }
}
