import Foundation

/// An I/O failure naming the file and the operating system's reason.
public struct FileIOError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    static func errno(_ path: String, _ action: String) -> FileIOError {
        FileIOError(path: path, message: "\(action) failed: \(String(cString: strerror(Foundation.errno)))")
    }
}

/// Writes a file atomically: the bytes go to a temporary file next to it, which is flushed to disk
/// (`fsync`) and renamed over the target, then the directory is synced. A crash at any moment
/// leaves either the old file or the complete new one, never a partial file.
public final class AtomicFileWriter {
    public let path: String
    /// The temporary file (RETURNN uses `<file>.new_tmp` for the learning_rates file).
    public let temporaryPath: String
    private var descriptor: Int32
    private var finished = false

    /// Creates parent directories as needed and opens the temporary file.
    public init(path: String, temporaryPath: String? = nil) throws {
        self.path = path
        self.temporaryPath = temporaryPath ?? path + ".new_tmp"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw FileIOError(path: path, message: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        descriptor = open(self.temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileIOError.errno(self.temporaryPath, "open for writing") }
    }

    deinit {
        if !finished { abort() }
    }

    /// Appends raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && Foundation.errno == EINTR { continue }
            guard n > 0 else { throw FileIOError.errno(temporaryPath, "write") }
            done += n
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Flushes, closes and renames the temporary file over `path`, then syncs the directory.
    public func commit() throws {
        precondition(!finished, "AtomicFileWriter committed twice")
        finished = true
        defer { descriptor = -1 }
        guard fsync(descriptor) == 0 else {
            let error = FileIOError.errno(temporaryPath, "fsync")
            close(descriptor)
            unlink(temporaryPath)
            throw error
        }
        guard close(descriptor) == 0 else {
            unlink(temporaryPath)
            throw FileIOError.errno(temporaryPath, "close")
        }
        guard rename(temporaryPath, path) == 0 else {
            let error = FileIOError.errno(path, "rename from \(temporaryPath)")
            unlink(temporaryPath)
            throw error
        }
        Self.syncDirectory(of: path)
    }

    /// Closes and removes the temporary file; the target is left untouched.
    public func abort() {
        guard !finished else { return }
        finished = true
        close(descriptor)
        unlink(temporaryPath)
    }

    /// Writes `bytes` to `path` atomically in one call.
    public static func write(_ bytes: [UInt8], to path: String, temporaryPath: String? = nil) throws {
        let writer = try AtomicFileWriter(path: path, temporaryPath: temporaryPath)
        try writer.write(bytes)
        try writer.commit()
    }

    /// Best effort: makes the rename itself durable (some file systems refuse, which is harmless).
    private static func syncDirectory(of path: String) {
        var directory = (path as NSString).deletingLastPathComponent
        if directory.isEmpty { directory = "." }
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
