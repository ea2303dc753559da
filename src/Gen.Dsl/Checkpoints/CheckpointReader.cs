using System;
using System.IO;

namespace Gen.Dsl;

/// <summary>
/// A checkpoint file that <see cref="CheckpointFile.Open"/> has verified, held open so that its parts are read from the
/// disk as they are needed (the weights straight into the model's tensors) rather than all at once into memory.
/// </summary>
internal sealed class CheckpointReader : IDisposable
{
    private readonly Stream stream;

    /// <summary>Wraps a verified stream; the reader owns it.</summary>
    public CheckpointReader(string path, Stream stream, CheckpointLayout layout)
    {
        Path = path;
        this.stream = stream;
        Layout = layout;
    }

    /// <summary>The file, for error messages.</summary>
    public string Path { get; }

    /// <summary>Where the parts lie.</summary>
    public CheckpointLayout Layout { get; }

    /// <summary>Whether the checkpoint holds optimizer state.</summary>
    public bool HasOptimizer => Layout.OptimizerLength > 0;

    /// <summary>The JSON document's bytes (the header has bounded its length by 2 GB; callers bound it further).</summary>
    public byte[] ReadJson()
    {
        var bytes = new byte[Layout.JsonLength];
        stream.Position = Layout.JsonOffset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The weights, as a window onto the file.</summary>
    public StreamSlice Weights() => new(stream, Layout.WeightsOffset, Layout.WeightsLength);

    /// <summary>The optimizer state, as a window onto the file (empty when there is none).</summary>
    public StreamSlice Optimizer() => new(stream, Layout.OptimizerOffset, Layout.OptimizerLength);

    /// <inheritdoc/>
    public void Dispose() => stream.Dispose();
}
