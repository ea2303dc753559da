using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>
/// The JSON forms of the node types under one base type (bijectors, distributions, univariate maps, pixel heads, …):
/// each is written as an object whose <c>"type"</c> field is a stable name chosen here, never a CLR type name, so
/// renaming or moving a class does not change the format. A new node type is one <see cref="Add{T}"/> call; a user's
/// node types come in through <see cref="SpecJson.Register{TNode}"/>, which may run while other threads read and write.
/// </summary>
/// <typeparam name="TBase">The base type.</typeparam>
internal sealed class NodeKinds<TBase>
    where TBase : class
{
    private readonly object gate = new();
    private readonly string what;
    private Dictionary<string, Kind> byName = new(StringComparer.Ordinal);
    private Dictionary<Type, Kind> byType = new();

    /// <summary>Creates an empty table.</summary>
    /// <param name="what">What the base type is, in error messages ("bijector").</param>
    /// <param name="open">Whether users register node types of their own in this table (<see cref="SpecJson.Register{TNode}"/>).</param>
    public NodeKinds(string what, bool open = false)
    {
        this.what = what;
        this.open = open;
    }

    private readonly bool open;

    /// <summary>What the base type is, in error messages.</summary>
    public string What => what;

    /// <summary>The registered type names.</summary>
    public IEnumerable<string> Names => byName.Keys;

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/>.</summary>
    /// <param name="name">The stable type name in documents (snake_case; never change it once released).</param>
    /// <param name="write">Adds the node's fields (other than the type) to an object.</param>
    /// <param name="read">Builds the node from an object's fields.</param>
    /// <param name="legacy">
    /// For a node that an older form (<see cref="Legacy{T}"/>) still describes: the name of that form, so documents
    /// written before the node type existed are written the same way; null to write the node under <paramref name="name"/>.
    /// </param>
    /// <exception cref="InvalidOperationException">The name or the type is registered already.</exception>
    public NodeKinds<TBase> Add<T>(string name, Action<T, JsonObject> write, Func<JsonFields, T> read, Func<T, string?>? legacy = null)
        where T : TBase
    {
        Add(typeof(T), name, Codec(name, write, read), legacy is null ? null : value => legacy((T)value));
        return this;
    }

    /// <summary>Registers <paramref name="type"/> (a subtype of <typeparamref name="TBase"/>) under <paramref name="name"/>, with its codec.</summary>
    public void Add(Type type, string name, NodeCodec<TBase> codec, Func<TBase, string?>? legacy = null)
    {
        var kind = new Kind(name, type, codec, legacy);
        lock (gate)
        {
            if (byName.ContainsKey(name) || byType.ContainsKey(type))
            {
                throw new InvalidOperationException($"The {what} type '{name}' ({type.Name}) is registered already: each type name and each node type is registered once.");
            }

            // Copies, swapped in whole: readers on other threads never see a table half changed.
            byName = new Dictionary<string, Kind>(byName, StringComparer.Ordinal) { [name] = kind };
            byType = new Dictionary<Type, Kind>(byType) { [type] = kind };
        }
    }

    /// <summary>
    /// Registers an older form of <typeparamref name="T"/> under <paramref name="name"/>: documents in it still read,
    /// and nodes that the registered form's <c>legacy</c> selector maps to it are written in it.
    /// </summary>
    public NodeKinds<TBase> Legacy<T>(string name, Action<T, JsonObject> write, Func<JsonFields, T> read)
        where T : TBase
    {
        lock (gate)
        {
            if (byName.ContainsKey(name))
            {
                throw new InvalidOperationException($"The {what} type '{name}' is registered already.");
            }

            byName = new Dictionary<string, Kind>(byName, StringComparer.Ordinal) { [name] = new Kind(name, typeof(T), Codec(name, write, read), null) };
        }

        return this;
    }

    /// <summary>The stable name of <paramref name="value"/>'s type.</summary>
    /// <exception cref="InvalidOperationException">The type is not registered.</exception>
    public string NameOf(TBase value) => FormOf(value).Name;

    /// <summary>Whether <paramref name="type"/> is registered.</summary>
    public bool Knows(Type type) => byType.ContainsKey(type);

    /// <summary>The node as a JSON object: its type name first, then its fields.</summary>
    /// <exception cref="InvalidOperationException">The node's type is not registered.</exception>
    public JsonObject Write(TBase value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var kind = FormOf(value);
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
            throw JsonFields.Invalid(fields.At(JsonFields.TypeField), $"unknown {what} type '{name}' (known: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}){(open ? "; a type of your own reads once it is registered with SpecJson.Register" : string.Empty)}.");
        }

        fields.Owner = $"{what} '{name}'";
        return kind.Codec.ReadFields(fields);
    }

    /// <summary>The codec of a node type whose fields <paramref name="write"/> and <paramref name="read"/> handle.</summary>
    public NodeCodec<TBase> Codec<T>(string name, Action<T, JsonObject> write, Func<JsonFields, T> read)
        where T : TBase
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(read);
        return new NodeCodec<TBase>($"{what} '{name}'", (value, o) => write((T)value, o), fields => read(fields));
    }

    // The form a node is written in: its type's, or the older form its type's selector names.
    private Kind FormOf(TBase value)
    {
        if (!byType.TryGetValue(value.GetType(), out var kind))
        {
            throw new InvalidOperationException(
                $"The {what} type {value.GetType().Name} has no JSON form, so a spec holding it cannot be written as JSON or saved with Model.Save: "
                + $"register it with SpecJson.Register<{value.GetType().Name}>(\"a_type_name\", write, read) first, or save the weights alone with Model.SaveWeights.");
        }

        return kind.Legacy?.Invoke(value) is { } older ? byName[older] : kind;
    }

    private sealed record Kind(string Name, Type Type, NodeCodec<TBase> Codec, Func<TBase, string?>? Legacy);
}
