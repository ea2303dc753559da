using System;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>
/// The JSON form of one node type: which fields it writes, and how to build the node from them. Reading goes through
/// the node's own factories and checks, so a document cannot produce a spec that code could not; a check that fails
/// is reported at the node's JSON path.
/// </summary>
/// <typeparam name="T">The node type.</typeparam>
internal sealed class NodeCodec<T>
{
    private readonly Action<T, JsonObject> write;
    private readonly Func<JsonFields, T> read;

    /// <summary>Creates the codec.</summary>
    /// <param name="what">The node's name in error messages ("a mask", "a MADE spec").</param>
    /// <param name="write">Adds the node's fields to an object.</param>
    /// <param name="read">Builds the node from an object's fields.</param>
    public NodeCodec(string what, Action<T, JsonObject> write, Func<JsonFields, T> read)
    {
        What = what;
        this.write = write;
        this.read = read;
    }

    /// <summary>The node's name in error messages.</summary>
    public string What { get; }

    /// <summary>The node as a JSON object.</summary>
    public JsonObject Write(T value)
    {
        var o = new JsonObject();
        WriteFields(value, o);
        return o;
    }

    /// <summary>Adds the node's fields to <paramref name="target"/>.</summary>
    public void WriteFields(T value, JsonObject target) => write(value, target);

    /// <summary>Reads the node from <paramref name="value"/>, found at <paramref name="path"/>.</summary>
    /// <exception cref="GenCheckpointException">The value is not this node's form, or the node rejects it.</exception>
    public T Read(JsonElement value, string path) => ReadFields(JsonFields.Of(value, path, What));

    /// <summary>Reads the node from fields whose other entries (such as the type) the caller has read already.</summary>
    public T ReadFields(JsonFields fields)
    {
        T result;
        try
        {
            result = read(fields);
        }
        catch (ArgumentException e)
        {
            // The node's own check failed (a GenShapeException names the spec path; the JSON path says where in the file).
            throw JsonFields.Invalid(fields.Path, $"{What}: {e.Message.ReplaceLineEndings(" ")}", e);
        }

        fields.RejectOthers(What);
        return result;
    }
}
