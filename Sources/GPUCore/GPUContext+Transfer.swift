import Foundation

extension GPUContext {
    /// Copies `bytes` into `buffer` now. Host-mapped buffers are written directly (after waiting
    /// for the GPU's last use); others go through a staging buffer and a copy on the queue.
    public func upload(_ bytes: UnsafeRawBufferPointer, to buffer: GPUBuffer, offset: Int = 0) throws(GPUError) {
        guard offset >= 0, offset + bytes.count <= buffer.size else {
            throw .bufferTooSmall(what: "upload to \(buffer.label)", needed: offset + bytes.count, size: buffer.size)
        }
        guard bytes.count > 0 else { return }
        if let mapped = buffer.allocation.mapped {
            try buffer.waitUntilIdle()
            (mapped + offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            stats.uploaded(bytes.count)
            return
        }
        let stream = try CommandStream(context: self, label: "upload")
        try stream.upload(bytes, to: buffer, offset: offset)
        try stream.run()
    }

    public func upload(_ bytes: [UInt8], to buffer: GPUBuffer, offset: Int = 0) throws(GPUError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(GPUError) in try upload(raw, to: buffer, offset: offset) } }.get()
    }

    /// Reads `count` bytes of `buffer` now (after the GPU's last use of it).
    public func download(_ buffer: GPUBuffer, offset: Int = 0, count: Int? = nil) throws(GPUError) -> [UInt8] {
        let count = count ?? (buffer.size - offset)
        guard offset >= 0, count >= 0, offset + count <= buffer.size else {
            throw .bufferTooSmall(what: "download from \(buffer.label)", needed: offset + (count), size: buffer.size)
        }
        if count == 0 { return [] }
        if let mapped = buffer.allocation.mapped, buffer.allocation.hostCached {
            try buffer.waitUntilIdle()
            stats.downloaded(count)
            return [UInt8](UnsafeRawBufferPointer(start: mapped + offset, count: count))
        }
        let stream = try CommandStream(context: self, label: "download")
        let pending = try stream.download(buffer, offset: offset, bytes: count)
        try stream.run()
        return try pending.bytes()
    }
}
