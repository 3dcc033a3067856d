import Foundation

extension ConfigurationDecoder {
    func decodeRelease(_ table: TOMLTable, at prefix: String) -> ReleaseSection {
        checkKeys(table, at: prefix, allowed: ReleaseSection.keys)
        var settings = ReleaseSection()
        if let value = string(table, "branch", prefix) { settings.branch = value }
        if let value = boolean(table, "require_branch", prefix) { settings.requireBranch = value }
        if let value = boolean(table, "require_clean", prefix) { settings.requireClean = value }
        if let value = string(table, "tag_prefix", prefix, allowEmpty: true) { settings.tagPrefix = value }
        if let value = string(table, "first_version", prefix) {
            if Self.isPlainSemanticVersion(value) {
                settings.firstVersion = value
            } else {
                report(.invalidValue, "'\(Self.join(prefix, "first_version"))' must be a version MAJOR.MINOR.PATCH like \"0.1.0\", found \"\(value)\"",
                       at: table.entry("first_version")?.value.position, keyPath: Self.join(prefix, "first_version"))
            }
        }
        if let value = choice(table, "zero_major_breaking", prefix, as: ReleaseSection.ZeroMajorBreaking.self) { settings.zeroMajorBreaking = value }
        if onlyOne(of: "non_conventional", "other_commits", in: table, at: prefix) {
            if let value = choice(table, "non_conventional", prefix, as: ReleaseSection.NonConventional.self) { settings.nonConventional = value }
            if let value = choice(table, "other_commits", prefix, as: OtherCommits.self) { settings.nonConventional = value == .show ? .other : .ignore }
        }
        if let value = string(table, "other_section", prefix) { settings.otherSection = value }
        if let value = string(table, "breaking_section", prefix) { settings.breakingSection = value }
        if let value = boolean(table, "include_merge_commits", prefix) { settings.includeMergeCommits = value }
        if let value = string(table, "remote", prefix) { settings.remote = value }
        // `changelog` is a switch (true/false) or, as a string, the changelog's path.
        if let entry = entry(table, "changelog", prefix) {
            switch entry.value.kind {
            case .boolean(let enabled):
                settings.changelogEnabled = enabled
            case .string(let path) where !path.isEmpty:
                if table.entry("changelog_path") != nil {
                    report(.invalidValue, "'\(Self.join(prefix, "changelog"))' as a path and 'changelog_path' are the same setting; keep one",
                           at: entry.keyPosition, keyPath: Self.join(prefix, "changelog"))
                }
                settings.changelogPath = path
            default:
                report(.wrongType, "'\(Self.join(prefix, "changelog"))' must be true, false or the changelog's path, found \(Self.article(entry.value.typeName)) \(entry.value.typeName) \(entry.value)",
                       at: entry.value.position, keyPath: Self.join(prefix, "changelog"))
            }
        }
        if let value = string(table, "changelog_path", prefix) { settings.changelogPath = value }
        if let value = string(table, "changelog_template", prefix) { settings.changelogTemplate = value }
        if let value = string(table, "changelog_header", prefix, allowEmpty: true) { settings.changelogHeader = value }
        if let value = string(table, "migrations_dir", prefix) { settings.migrationsDirectory = value }
        if let value = boolean(table, "manifest", prefix) { settings.manifestEnabled = value }
        if onlyOne(of: "manifest_path", "manifest_dir", in: table, at: prefix) {
            if let value = string(table, "manifest_path", prefix) { settings.manifestPath = value }
            if let value = string(table, "manifest_dir", prefix) {
                settings.manifestPath = (value.hasSuffix("/") ? value : value + "/") + "{version}.json"
            }
        }
        if let value = string(table, "commit_message", prefix) { settings.commitMessage = value }
        if let value = boolean(table, "sign", prefix) { settings.sign = value }
        if let value = boolean(table, "push", prefix) { settings.push = value }
        if let value = string(table, "git", prefix) { settings.git = value }
        if let hooks = self.table(table, "hooks", prefix) {
            let path = Self.join(prefix, "hooks")
            checkKeys(hooks, at: path, allowed: ReleaseHooksSection.keys)
            if let value = stringArray(hooks, "before", path) { settings.hooks.before = value }
            if let value = stringArray(hooks, "after", path) { settings.hooks.after = value }
        }
        if let check = self.table(table, "check", prefix) {
            let path = Self.join(prefix, "check")
            checkKeys(check, at: path, allowed: ReleaseSection.checkKeys)
            if let value = integer(check, "max_header_length", path, minimum: 0) { settings.maxHeaderLength = value }
            if let value = boolean(check, "strict_types", path) { settings.strictTypes = value }
        }
        if let entry = entry(table, "types", prefix) {
            settings.types = decodeTypes(entry, at: Self.join(prefix, "types"))
        }
        settings.versionFiles = decodeVersionFiles(table, at: prefix)
        if let components = tableArray(table, "components", prefix) {
            var seen: [String: SourcePosition] = [:]
            for (index, element) in components.enumerated() {
                let path = "\(Self.join(prefix, "components"))[\(index)]"
                guard let component = decodeComponent(element.table, at: path, position: element.position) else { continue }
                if let first = seen[component.name] {
                    report(.invalidValue, "component name \"\(component.name)\" is used twice (first at \(first))",
                           at: element.table.entry("name")?.value.position, keyPath: Self.join(path, "name"))
                    continue
                }
                seen[component.name] = element.table.entry("name")?.value.position ?? element.position
                settings.components.append(component)
            }
        }
        return settings
    }

    /// `other_commits`: the spelling of `non_conventional` in earlier drafts.
    enum OtherCommits: String, CaseIterable {
        case show
        case ignore
    }

    /// Reports when two spellings of one setting are both present; returns whether at most one is.
    func onlyOne(of first: String, _ second: String, in table: TOMLTable, at prefix: String) -> Bool {
        guard table.entry(first) != nil, let entry = table.entry(second) else { return true }
        report(.invalidValue, "'\(Self.join(prefix, second))' and '\(first)' are the same setting; keep '\(first)'",
               at: entry.keyPosition, keyPath: Self.join(prefix, second))
        return false
    }

    static func isPlainSemanticVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (part == "0" || part.first != "0")
        }
    }

    static var bumpList: String { ReleaseTypeRule.Bump.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") }

    /// `[[release.types]]` (array of tables with `type`) or `[release.types]` (table keyed by type).
    func decodeTypes(_ entry: TOMLTable.Entry, at path: String) -> [ReleaseTypeRule]? {
        var rules: [ReleaseTypeRule] = []
        var seen: [String: String] = [:]
        func add(_ rule: ReleaseTypeRule, keyPath: String, position: SourcePosition?) {
            if let first = seen[rule.type] {
                report(.invalidValue, "commit type \"\(rule.type)\" is configured twice (first at '\(first)')", at: position, keyPath: keyPath)
                return
            }
            seen[rule.type] = keyPath
            rules.append(rule)
        }
        switch entry.value.kind {
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                let elementPath = "\(path)[\(index)]"
                guard let table = element.tableValue else {
                    report(.wrongType, "'\(elementPath)' must be a table, found \(Self.article(element.typeName)) \(element.typeName)",
                           at: element.position, keyPath: elementPath)
                    continue
                }
                checkKeys(table, at: elementPath, allowed: ReleaseTypeRule.keys)
                let type = string(table, "type", elementPath)
                let bump = choice(table, "bump", elementPath, as: ReleaseTypeRule.Bump.self)
                let section = string(table, "section", elementPath)
                let hidden = boolean(table, "hidden", elementPath)
                for key in ["type", "bump"] where table.entry(key) == nil {
                    report(.missingKey, "'\(elementPath)' needs '\(key)'\(key == "bump" ? " (one of \(Self.bumpList))" : "")",
                           at: element.position, keyPath: Self.join(elementPath, key))
                }
                if let type, let bump {
                    add(ReleaseTypeRule(type: type, bump: bump, section: section, hidden: hidden ?? false),
                        keyPath: elementPath, position: table.entry("type")?.value.position)
                }
            }
        case .table(let table):
            for typeEntry in table.entries {
                let typePath = Self.join(path, typeEntry.key)
                positions[typePath] = typeEntry.keyPosition
                if let rule = decodeTypeRule(typeEntry, at: typePath) {
                    add(rule, keyPath: typePath, position: typeEntry.keyPosition)
                }
            }
        default:
            report(.wrongType, "'\(path)' must be [[release.types]] tables or a [release.types] table, found \(Self.article(entry.value.typeName)) \(entry.value.typeName)",
                   at: entry.value.position, keyPath: path)
            return nil
        }
        return rules
    }

    /// `feat = "minor"` or `feat = { bump = "minor", section = "Features" }` in `[release.types]`.
    func decodeTypeRule(_ entry: TOMLTable.Entry, at path: String) -> ReleaseTypeRule? {
        switch entry.value.kind {
        case .string(let text):
            guard let bump = ReleaseTypeRule.Bump(rawValue: text) else {
                report(.invalidValue, "'\(path)' must be one of \(Self.bumpList); found \"\(text)\"", at: entry.value.position, keyPath: path)
                return nil
            }
            return ReleaseTypeRule(type: entry.key, bump: bump)
        case .table(let table):
            checkKeys(table, at: path, allowed: ReleaseTypeRule.tableKeys)
            let section = string(table, "section", path)
            let hidden = boolean(table, "hidden", path)
            guard table.entry("bump") != nil else {
                report(.missingKey, "'\(path)' needs 'bump' (one of \(Self.bumpList))", at: entry.value.position, keyPath: Self.join(path, "bump"))
                return nil
            }
            guard let bump = choice(table, "bump", path, as: ReleaseTypeRule.Bump.self) else { return nil }
            return ReleaseTypeRule(type: entry.key, bump: bump, section: section, hidden: hidden ?? false)
        default:
            report(.wrongType, "'\(path)' must be a bump (\(Self.bumpList)) or a table { bump = \"minor\", section = \"Features\" }, found \(Self.article(entry.value.typeName)) \(entry.value.typeName)",
                   at: entry.value.position, keyPath: path)
            return nil
        }
    }

    /// `version_files` of `table` (the release section or a component).
    func decodeVersionFiles(_ table: TOMLTable, at prefix: String) -> [VersionFileEntry] {
        guard let files = tableArray(table, "version_files", prefix) else { return [] }
        return files.enumerated().compactMap { index, element in
            decodeVersionFile(element.table, at: "\(Self.join(prefix, "version_files"))[\(index)]", position: element.position)
        }
    }

    func decodeVersionFile(_ table: TOMLTable, at prefix: String, position: SourcePosition) -> VersionFileEntry? {
        checkKeys(table, at: prefix, allowed: VersionFileEntry.keys)
        let path = string(table, "path", prefix)
        let kind = choice(table, "kind", prefix, as: VersionFileEntry.Kind.self)
        let key = string(table, "key", prefix)
        let pattern = string(table, "pattern", prefix, allowEmpty: false)
        let kinds = VersionFileEntry.Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        if table.entry("path") == nil {
            report(.missingKey, "'\(prefix)' needs 'path' (the file, relative to the repository root)", at: position, keyPath: Self.join(prefix, "path"))
        }
        if table.entry("kind") == nil {
            report(.missingKey, "'\(prefix)' needs 'kind' (one of \(kinds))", at: position, keyPath: Self.join(prefix, "kind"))
        }
        guard let path, let kind else { return nil }
        var valid = true
        func notUsed(_ name: String) {
            guard let entry = table.entry(name) else { return }
            let users = name == "key" ? "kind = \"json\" or \"toml\"" : "kind = \"regex\""
            report(.invalidValue, "'\(Self.join(prefix, name))' is only used with \(users), not kind = \"\(kind.rawValue)\"",
                   at: entry.keyPosition, keyPath: Self.join(prefix, name))
            valid = false
        }
        func required(_ name: String, _ what: String) {
            guard table.entry(name) == nil else { return }
            report(.missingKey, "'\(prefix)' with kind = \"\(kind.rawValue)\" needs '\(name)' (\(what))", at: position, keyPath: Self.join(prefix, name))
            valid = false
        }
        switch kind {
        case .file:
            notUsed("key")
            notUsed("pattern")
        case .json, .toml:
            required("key", "the dotted key path of the version, e.g. \"package.version\"")
            notUsed("pattern")
        case .regex:
            required("pattern", "a regular expression with one capture group around the version")
            notUsed("key")
            if let pattern, let entry = table.entry("pattern") {
                let keyPath = Self.join(prefix, "pattern")
                do {
                    let groups = try NSRegularExpression(pattern: pattern).numberOfCaptureGroups
                    if groups == 0 {
                        report(.invalidValue, "'\(keyPath)' needs a capture group around the version, e.g. 'version = \"([^\"]+)\"'",
                               at: entry.value.position, keyPath: keyPath)
                        valid = false
                    } else if groups > 1, !pattern.contains("(?<version>") {
                        report(.invalidValue, "'\(keyPath)' has \(groups) capture groups; use one, or name the version's group (?<version>…)",
                               at: entry.value.position, keyPath: keyPath)
                        valid = false
                    }
                } catch {
                    report(.invalidValue, "'\(keyPath)' is not a valid regular expression", at: entry.value.position, keyPath: keyPath)
                    valid = false
                }
            }
        }
        guard valid, key != nil || table.entry("key") == nil, pattern != nil || table.entry("pattern") == nil else { return nil }
        return VersionFileEntry(path: path, kind: kind, key: key, pattern: pattern)
    }

    func decodeComponent(_ table: TOMLTable, at prefix: String, position: SourcePosition) -> ReleaseComponentEntry? {
        checkKeys(table, at: prefix, allowed: ReleaseComponentEntry.keys)
        let name = string(table, "name", prefix)
        let path = string(table, "path", prefix)
        let tagPrefix = string(table, "tag_prefix", prefix)
        let changelogPath = string(table, "changelog_path", prefix)
        let versionFiles = decodeVersionFiles(table, at: prefix)
        for key in ["name", "path"] where table.entry(key) == nil {
            report(.missingKey, "'\(prefix)' needs '\(key)'", at: position, keyPath: Self.join(prefix, key))
        }
        guard let name, let path, tagPrefix != nil || table.entry("tag_prefix") == nil else { return nil }
        return ReleaseComponentEntry(name: name, path: path, tagPrefix: tagPrefix, changelogPath: changelogPath, versionFiles: versionFiles)
    }
}
