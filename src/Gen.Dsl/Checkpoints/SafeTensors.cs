using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Weights in the safetensors format, the one PyTorch users exchange (Hugging Face's <c>safetensors</c>): an 8-byte
/// little-endian header length N, a JSON header of N bytes naming each tensor's dtype, shape and byte range, then the
/// raw little-endian data. Gen's state-dict names are PyTorch's dotted names (<c>steps.0.net.linear0.weight</c>), so a
/// PyTorch module with the same structure loads the file with <c>load_state_dict(safetensors.torch.load_file(path))</c>.
/// </summary>
/// <remarks>
/// Reading checks the file before it allocates anything: a regular file, a header length within the file and within
/// <see cref="HeaderLimit"/>, well-formed JSON, known dtypes, shapes whose byte size is the range given, ranges inside
/// the data and neither overlapping nor leaving gaps. Every failure is a <see cref="GenCheckpointException"/> naming the
/// file and the tensor. Writing is atomic, as for checkpoints.
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header read (100 MB, as the reference implementation allows).</summary>
    public const long HeaderLimit = 100_000_000;

    private static readonly (torch.ScalarType Type, string Name, int Size)[] Dtypes =
    {
        (torch.ScalarType.Float64, "F64", 8), (torch.ScalarType.Float32, "F32", 4), (torch.ScalarType.Float16, "F16", 2),
        (torch.ScalarType.BFloat16, "BF16", 2), (torch.ScalarType.Int64, "I64", 8), (torch.ScalarType.Int32, "I32", 4),
        (torch.ScalarType.Int16, "I16", 2), (torch.ScalarType.Int8, "I8", 1), (torch.ScalarType.Byte, "U8", 1), (torch.ScalarType.Bool, "BOOL", 1),
    };

    /// <summary>Writes <paramref name="model"/>'s state (parameters and buffers, by their state-dict names) to <paramref name="path"/>.</summary>
    /// <param name="path">The file, replaced atomically.</param>
    /// <param name="model">The model, on any device.</param>
    /// <param name="metadata">Text to keep in the header's <c>__metadata__</c>, or null.</param>
    /// <exception cref="ArgumentException">A tensor has a dtype safetensors has no name for.</exception>
    public static void Save(string path, torch.nn.Module model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(path, model.state_dict(), metadata);
    }

    /// <summary>Writes named tensors to <paramref name="path"/>, in name order.</summary>
    /// <param name="path">The file, replaced atomically.</param>
    /// <param name="tensors">The tensors, on any device.</param>
    /// <param name="metadata">Text to keep in the header's <c>__metadata__</c>, or null.</param>
    /// <exception cref="ArgumentException">A name is empty or <c>__metadata__</c>, or a tensor has a dtype safetensors has no name for.</exception>
    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        if (metadata is not null)
        {
            header["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value))));
        }

        long offset = 0;
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray();
        foreach (var (name, tensor) in ordered)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
            {
                throw new ArgumentException($"safetensors: '{name}' cannot name a tensor.", nameof(tensors));
            }

            var (_, dtype, size) = Dtypes.FirstOrDefault(d => d.Type == tensor.dtype);
            if (dtype is null)
            {
                throw new ArgumentException($"safetensors: the tensor '{name}' is {tensor.dtype}, which the format has no name for.", nameof(tensors));
            }

            long bytes = tensor.numel() * size;
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The data starts 8-byte aligned, as the reference writer pads it with spaces.
        int padding = (int)((8 - (json.Length % 8)) % 8);
        var headerBytes = json.Concat(Enumerable.Repeat((byte)' ', padding)).ToArray();
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var (_, tensor) in ordered)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>Reads every tensor of a safetensors file onto the CPU, by name.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GenCheckpointException">The file cannot be read, is not a safetensors file, or is truncated or malformed; the message names the file and the tensor.</exception>
    public static Dictionary<string, torch.Tensor> Read(string path) => Read(path, out _);

    /// <summary>Reads every tensor of a safetensors file onto the CPU, by name, and the header's metadata.</summary>
    /// <param name="path">The file.</param>
    /// <param name="metadata">The header's <c>__metadata__</c> (empty when there is none).</param>
    /// <exception cref="GenCheckpointException">The file cannot be read, is not a safetensors file, or is truncated or malformed.</exception>
    public static Dictionary<string, torch.Tensor> Read(string path, out Dictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0'))
        {
            throw new GenCheckpointException(CheckpointError.Unreadable, "the path is empty or holds a NUL character.");
        }

        if (FileKind.NotRegular(path) is string kind)
        {
            throw new GenCheckpointException(CheckpointError.Unreadable, $"the path names {kind}, not a safetensors file.", path);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var entries = ReadHeader(stream, path, out metadata);
            long dataStart = stream.Position;
            var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
            try
            {
                foreach (var e in entries)
                {
                    var bytes = new byte[e.End - e.Begin];
                    stream.Position = dataStart + e.Begin;
                    stream.ReadExactly(bytes);
                    var tensor = torch.empty(e.Shape, dtype: e.Type);
                    tensor.bytes = bytes;
                    result[e.Name] = tensor;
                }
            }
            catch
            {
                foreach (var t in result.Values)
                {
                    t.Dispose();
                }

                throw;
            }

            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenCheckpointException(CheckpointError.Unreadable, $"cannot read the file: {e.Message}", path, inner: e);
        }
    }

    /// <summary>
    /// Loads a safetensors file into <paramref name="model"/>: every parameter and buffer by its state-dict name, of the
    /// same shape, converted to the model's dtype and moved to its device. Names missing from the file, names the model
    /// lacks and shapes that differ are refused before anything is copied.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="model">The model to load into.</param>
    /// <exception cref="GenCheckpointException">The file is not a valid safetensors file (see <see cref="Read(string)"/>), or its tensors do not fit the model (<see cref="CheckpointError.WeightsMismatch"/>).</exception>
    public static void Load(string path, torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = Read(path);
        try
        {
            var state = model.state_dict();
            var missing = state.Keys.Where(k => !tensors.ContainsKey(k)).ToArray();
            var extra = tensors.Keys.Where(k => !state.ContainsKey(k)).ToArray();
            if (missing.Length > 0 || extra.Length > 0)
            {
                throw new GenCheckpointException(
                    CheckpointError.WeightsMismatch,
                    $"the file's tensors are not the model's: missing {Names(missing)}; not in the model {Names(extra)}.",
                    path);
            }

            foreach (var (name, target) in state)
            {
                if (!tensors[name].shape.SequenceEqual(target.shape))
                {
                    throw new GenCheckpointException(CheckpointError.WeightsMismatch, $"the tensor '{name}' has shape {Shape.Format(tensors[name].shape)} in the file and {Shape.Format(target.shape)} in the model.", path);
                }
            }

            using var noGrad = torch.no_grad();
            foreach (var (name, target) in state)
            {
                target.copy_(tensors[name].to(target.dtype, target.device));
            }
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    private static string Names(string[] names) =>
        names.Length == 0 ? "none" : string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Length > 5 ? $" and {names.Length - 5} more" : string.Empty);

    private sealed record Entry(string Name, torch.ScalarType Type, long[] Shape, long Begin, long End);

    // The header, checked against the file's length before any tensor is allocated; leaves the stream at the data.
    private static List<Entry> ReadHeader(FileStream stream, string path, out Dictionary<string, string> metadata)
    {
        GenCheckpointException Bad(string what) => new(CheckpointError.Corrupted, $"not a valid safetensors file: {what}", path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw new GenCheckpointException(CheckpointError.Truncated, "the file is shorter than the 8 bytes of a safetensors header length.", path);
        }

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        long available = stream.Length - 8;
        if (n > HeaderLimit || (long)n > available)
        {
            throw new GenCheckpointException(
                n > (ulong)available ? CheckpointError.Truncated : CheckpointError.LimitExceeded,
                $"the header claims {n} bytes, but the file has {available} after its length{(n > HeaderLimit ? $" and headers are limited to {HeaderLimit}" : string.Empty)}.",
                path);
        }

        var json = new byte[n];
        stream.ReadExactly(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad($"its header is not JSON ({e.Message}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad("its header is not a JSON object.");
            }

            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            long data = available - (long)n;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Bad($"the header names '{property.Name}' twice.");
                }

                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Bad("__metadata__ is not an object of strings.");
                    }

                    foreach (var m in property.Value.EnumerateObject())
                    {
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad($"__metadata__['{m.Name}'] is not a string.");
                    }

                    continue;
                }

                entries.Add(ParseEntry(property, data, Bad));
            }

            // The ranges must tile the data: sorted by start, each begins where the last ended, and the last ends at the data's end.
            long at = 0;
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                if (e.Begin != at)
                {
                    throw Bad($"the tensor '{e.Name}' starts at byte {e.Begin} of the data, where {at} was expected (overlapping ranges, or a gap).");
                }

                at = e.End;
            }

            if (at != data)
            {
                throw Bad($"the tensors cover {at} bytes of data, but the file holds {data}.");
            }

            return entries;
        }
    }

    private static Entry ParseEntry(JsonProperty property, long data, Func<string, GenCheckpointException> bad)
    {
        string name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
        {
            throw bad($"the tensor '{name}' needs \"dtype\", \"shape\" and two \"data_offsets\".");
        }

        var dtypeName = dtypeElement.GetString();
        var (type, known, size) = Dtypes.FirstOrDefault(d => d.Name == dtypeName);
        if (known is null)
        {
            throw bad($"the tensor '{name}' has the dtype '{dtypeName}', which Gen does not read (known: {string.Join(", ", Dtypes.Select(d => d.Name))}).");
        }

        if (shapeElement.GetArrayLength() > 16)
        {
            throw bad($"the tensor '{name}' has {shapeElement.GetArrayLength()} dimensions.");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        Int128 elements = 1;
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var size1) || size1 < 0)
            {
                throw bad($"the tensor '{name}' has a size that is not a whole number of 0 or more.");
            }

            shape[i++] = size1;
            elements *= size1;
        }

        var offsets = offsetsElement.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
        if (offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data)
        {
            throw bad($"the tensor '{name}' has the byte range [{offsets[0]}, {offsets[1]}), outside the {data} bytes of data.");
        }

        if (elements * size != offsets[1] - offsets[0])
        {
            throw bad($"the tensor '{name}' of shape {Shape.Format(shape)} and dtype {dtypeName} takes {elements * size} bytes, but its range holds {offsets[1] - offsets[0]}.");
        }

        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }
}
