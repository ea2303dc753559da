using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>
/// The JSON forms of the node types under one base type (bijectors, distributions, pixel heads, …): each is written
/// as an object whose <c>"type"</c> field is a stable name chosen here, never a CLR type name, so renaming or moving a
/// class does not change the format. A new node type is one <see cref="Add{T}"/> call.
/// </summary>
/// <typeparam name="TBase">The base type.</typeparam>
internal sealed class NodeKinds<TBase>
    where TBase : class
{
    private readonly Dictionary<string, Kind> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Kind> byType = new();
    private readonly string what;

    /// <summary>Creates an empty table.</summary>
    /// <param name="what">What the base type is, in error messages ("bijector").</param>
    public NodeKinds(string what) => this.what = what;

    /// <summary>The registered type names.</summary>
    public IEnumerable<string> Names => byName.Keys;

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/>.</summary>
    /// <param name="name">The stable type name in documents (snake_case; never change it once released).</param>
    /// <param name="write">Adds the node's fields (other than the type) to an object.</param>
    /// <param name="read">Builds the node from an object's fields.</param>
    public NodeKinds<TBase> Add<T>(string name, Action<T, JsonObject> write, Func<JsonFields, T> read)
        where T : TBase
    {
        if (byName.ContainsKey(name) || byType.ContainsKey(typeof(T)))
        {
            throw new InvalidOperationException($"The {what} type '{name}' ({typeof(T).Name}) is registered twice.");
        }

        var codec = new NodeCodec<TBase>($"{what} '{name}'", (value, o) => write((T)value, o), fields => read(fields));
        var kind = new Kind(name, typeof(T), codec);
        byName.Add(name, kind);
        byType.Add(typeof(T), kind);
        return this;
    }

    /// <summary>The stable name of <paramref name="value"/>'s type.</summary>
    /// <exception cref="InvalidOperationException">The type is not registered.</exception>
    public string NameOf(TBase value) => KindOf(value).Name;

    /// <summary>Whether <paramref name="type"/> is registered.</summary>
    public bool Knows(Type type) => byType.ContainsKey(type);

    /// <summary>The node as a JSON object: its type name first, then its fields.</summary>
    /// <exception cref="InvalidOperationException">The node's type is not registered.</exception>
    public JsonObject Write(TBase value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var kind = KindOf(value);
        var o = new JsonObject { [JsonFields.TypeField] = kind.Name };
        kind.Codec.WriteFields(value, o);
        return o;
    }

    /// <summary>Reads a node at <paramref name="path"/>, dispatching on its type name.</summary>
    /// <exception cref="GenCheckpointException">The value is not an object, its type is unknown, or the node is invalid.</exception>
    public TBase Read(JsonElement value, string path)
    {
        var fields = JsonFields.Of(value, path, $"a {what}");
        var name = fields.String(JsonFields.TypeField);
        if (!byName.TryGetValue(name, out var kind))
        {
            throw JsonFields.Invalid(fields.At(JsonFields.TypeField), $"unknown {what} type '{name}' (known: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}).");
        }

        return kind.Codec.ReadFields(fields);
    }

    private Kind KindOf(TBase value) =>
        byType.TryGetValue(value.GetType(), out var kind)
            ? kind
            : throw new InvalidOperationException($"The {what} type {value.GetType().Name} has no JSON form: register it in the {what} table (NodeKinds.Add).");

    private sealed record Kind(string Name, Type Type, NodeCodec<TBase> Codec);
}
