import GPUCore

extension DecodedImage {
    /// The pixels as a uint8 tensor of dims [height, width, 3] (HWC), ready for upload and for the
    /// GPU preprocessing stage.
    public func tensorData() throws(TensorDataError) -> TensorData {
        try TensorData(dataType: .uint8, dims: [height, width, 3], bytes: pixels)
    }
}
