extension MigrationFile {
    /// Decodes a migration file's text, throwing if it has any error.
    ///
    /// - Throws: ``MigrationFormatError`` with every diagnostic found in the file.
    public init(contents: String, path: String, format: Format? = nil) throws(MigrationFormatError) {
        let result = MigrationDecoder.decode(contents: contents, path: path, format: format)
        guard let file = result.file else {
            throw MigrationFormatError(diagnostics: result.diagnostics)
        }
        self = file
    }
}
