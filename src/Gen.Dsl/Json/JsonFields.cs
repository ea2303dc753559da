using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Gen.Dsl;

/// <summary>
/// The fields of one JSON object of a spec document (what a node's codec reads, see
/// <see cref="SpecJson.Register{TNode}"/>), read by name with their JSON path in every error: a missing
/// field, a value of the wrong kind, and (through <see cref="RejectOthers"/>) a field nobody read are all errors, so
/// what is read is exactly what was written.
/// </summary>
/// <remarks>
/// Documents are read as <see cref="JsonElement"/>s, not as a tree of <c>JsonNode</c>s: a JsonNode tree materialises an
/// object for every value it is asked about, about a microsecond each, so a spec of a million numbers took seconds to
/// read before its size could be refused; elements read straight from the parsed document, an array's length included.
/// </remarks>
public sealed class JsonFields
{
    private readonly JsonElement node;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    private JsonFields(JsonElement node, string path)
    {
        this.node = node;
        Path = path;
    }

    /// <summary>The field that names a node's type where several types can stand in one place.</summary>
    internal const string TypeField = "type";

    /// <summary>The JSON path of the object, such as <c>$.spec.steps[0]</c>.</summary>
    public string Path { get; }

    /// <summary>The fields of <paramref name="value"/>, which must be an object (<paramref name="what"/> names it in the error).</summary>
    internal static JsonFields Of(JsonElement value, string path, string what) =>
        value.ValueKind == JsonValueKind.Object ? new JsonFields(value, path) : throw Invalid(path, $"expected {what} as a JSON object, found {Describe(value)}.");

    /// <summary>An <see cref="CheckpointError.InvalidSpec"/> error at <paramref name="path"/>.</summary>
    internal static GenCheckpointException Invalid(string path, string message, Exception? inner = null) =>
        new(CheckpointError.InvalidSpec, $"{Bounded(path)}: {Bounded(message)}", jsonPath: path, inner: inner);

    // The most characters of a path or message an error repeats: a node's check quotes the value it refuses, and a
    // hostile document's value can be a million numbers long.
    private const int MessageLimit = 2000;

    private static string Bounded(string text) =>
        text.Length <= MessageLimit ? text : $"{text[..(MessageLimit - 200)]} … {text[^150..]} ({text.Length} characters in all)";

    /// <summary>
    /// Builds a node from parts read at <paramref name="path"/> (such as a flow with one more step): a check the node
    /// fails becomes an <see cref="CheckpointError.InvalidSpec"/> error at that path.
    /// </summary>
    internal static T Checked<T>(string path, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw Invalid(path, e.Message, e);
        }
    }

    /// <summary>A short description of a JSON value for error messages.</summary>
    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Shorten(value.GetRawText()),
    };

    /// <summary>The path of field <paramref name="name"/>.</summary>
    public string At(string name) => $"{Path}.{name}";

    /// <summary>
    /// What the object is, once its type is known (such as <c>bijector 'image_coupling'</c>): named in the error for a
    /// missing field, since a field is required by the type that was asked for.
    /// </summary>
    internal string? Owner { get; set; }

    /// <summary>The value of a field that must be present (it may be JSON null).</summary>
    internal JsonElement Field(string name)
    {
        if (!node.TryGetProperty(name, out var value))
        {
            throw Invalid(At(name), $"the required field '{name}' is missing{(Owner is null ? string.Empty : $" (a {Owner} needs it)")}.");
        }

        read.Add(name);
        return value;
    }

    /// <summary>Whether the object has field <paramref name="name"/>, for the few nodes whose forms differ by which fields they have.</summary>
    public bool Has(string name) => node.TryGetProperty(name, out _);

    /// <summary>A 32-bit integer field.</summary>
    public int Int(string name) => Value<int>(name, "an integer");

    /// <summary>A 64-bit integer field.</summary>
    public long Long(string name) => Value<long>(name, "an integer");

    /// <summary>A number field.</summary>
    public double Double(string name) => Value<double>(name, "a number");

    /// <summary>A true/false field.</summary>
    public bool Bool(string name) => Value<bool>(name, "true or false");

    /// <summary>A string field.</summary>
    public string String(string name) => Value<string>(name, "a string");

    /// <summary>An integer field that may be null.</summary>
    public int? NullableInt(string name) => IsNull(Field(name)) ? null : Int(name);

    /// <summary>An integer field that may be left out (written only when it differs from the default).</summary>
    public int? OptionalInt(string name) => Has(name) ? Int(name) : null;

    /// <summary>A number field that may be null.</summary>
    public double? NullableDouble(string name) => IsNull(Field(name)) ? null : Double(name);

    /// <summary>An array of 32-bit integers.</summary>
    public ValueList<int> Ints(string name)
    {
        var items = ArrayField(name, out var path);
        // Sized from the parsed array, which holds at least one byte of the document per item.
        var values = new int[items.GetArrayLength()];
        int i = 0;
        foreach (var item in items.EnumerateArray())
        {
            values[i] = item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int v)
                ? v
                : throw Invalid($"{path}[{i}]", $"expected an integer, found {Describe(item)}.");
            i++;
        }

        return new ValueList<int>(values);
    }

    /// <summary>An array of numbers.</summary>
    public ValueList<double> Doubles(string name)
    {
        var items = ArrayField(name, out var path);
        var values = new double[items.GetArrayLength()];
        int i = 0;
        foreach (var item in items.EnumerateArray())
        {
            values[i] = item.ValueKind == JsonValueKind.Number && item.TryGetDouble(out double v)
                ? v
                : throw Invalid($"{path}[{i}]", $"expected a number, found {Describe(item)}.");
            i++;
        }

        return new ValueList<double>(values);
    }

    /// <summary>An array whose items <paramref name="readItem"/> reads, given each item and its path.</summary>
    internal IReadOnlyList<T> Array<T>(string name, Func<JsonElement, string, T> readItem)
    {
        var items = ArrayField(name, out var path);
        var result = new List<T>(items.GetArrayLength());
        int i = 0;
        foreach (var item in items.EnumerateArray())
        {
            result.Add(readItem(item, $"{path}[{i++}]"));
        }

        return result;
    }

    /// <summary>A node read by <paramref name="codec"/>.</summary>
    internal T Node<T>(string name, NodeCodec<T> codec) => codec.Read(Field(name), At(name));

    /// <summary>A node of one of the kinds in <paramref name="kinds"/>.</summary>
    internal T Node<T>(string name, NodeKinds<T> kinds)
        where T : class => kinds.Read(Field(name), At(name));

    /// <summary>An enumeration value written by its stable name.</summary>
    internal TEnum Enum<TEnum>(string name, StableNames<TEnum> names)
        where TEnum : struct, System.Enum => names.Parse(String(name), At(name));

    /// <summary>An enumeration value that may be left out (written only when it differs from the default).</summary>
    internal TEnum? OptionalEnum<TEnum>(string name, StableNames<TEnum> names)
        where TEnum : struct, System.Enum => Has(name) ? Enum(name, names) : null;

    /// <summary>A bijector node (a registered type of your own included).</summary>
    public BijSpec Bijector(string name) => Node(name, FlowJson.Bijectors);

    /// <summary>A univariate map (a registered type of your own included).</summary>
    public Gen.Probability.Bijectors.UnivariateMap Map(string name) => Node(name, FlowJson.Maps);

    /// <summary>A distribution node (a registered type of your own included).</summary>
    public DistSpec Distribution(string name) => Node(name, FlowJson.Distributions);

    /// <summary>A network node where any kind may stand: an MLP, a convolutional network, or a registered one of your own.</summary>
    public NetworkSpec Network(string name) => NetworkJson.ReadNetwork(Field(name), At(name));

    /// <summary>An MLP node.</summary>
    public MlpSpec Mlp(string name) => Node(name, NetworkJson.Mlp);

    /// <summary>A coupling mask.</summary>
    public MaskSpec Mask(string name) => Node(name, FlowJson.Mask);

    /// <summary>Fails when the object has a field that was not read: a misspelt or foreign field is an error, not ignored.</summary>
    internal void RejectOthers(string what)
    {
        foreach (var property in node.EnumerateObject())
        {
            var name = Text(() => property.Name, Path);
            if (!read.Contains(name))
            {
                var known = read.Count == 0 ? "none" : string.Join(", ", read);
                throw Invalid(At(name), $"{what} has no field '{Shorten(name)}' (its fields: {known}).");
            }
        }
    }

    /// <summary>Reads a JSON value as <typeparamref name="T"/> (an integer, number, bool or string), or fails naming <paramref name="path"/>.</summary>
    internal static T ValueOf<T>(JsonElement value, string path, string expected)
    {
        object? result = value.ValueKind switch
        {
            JsonValueKind.Number when typeof(T) == typeof(int) && value.TryGetInt32(out int i) => i,
            JsonValueKind.Number when typeof(T) == typeof(long) && value.TryGetInt64(out long l) => l,
            JsonValueKind.Number when typeof(T) == typeof(double) && value.TryGetDouble(out double d) => d,
            JsonValueKind.True or JsonValueKind.False when typeof(T) == typeof(bool) => value.GetBoolean(),
            JsonValueKind.String when typeof(T) == typeof(string) => Text(value.GetString, path),
            _ => null,
        };
        return result is T typed ? typed : throw Invalid(path, $"expected {expected}, found {Describe(value)}.");
    }

    private static bool IsNull(JsonElement value) => value.ValueKind == JsonValueKind.Null;

    // A string of the document as text: the parser accepts escapes of lone UTF-16 surrogates and (in a file's bytes)
    // invalid UTF-8 inside strings, and only turning them into .NET text finds them.
    private static string Text(Func<string?> read, string path)
    {
        try
        {
            return read() ?? string.Empty;
        }
        catch (InvalidOperationException e)
        {
            throw Invalid(path, "a string is not valid text: it holds a lone UTF-16 surrogate or bytes that are not UTF-8.", e);
        }
    }

    private JsonElement ArrayField(string name, out string path)
    {
        path = At(name);
        var items = Field(name);
        return items.ValueKind == JsonValueKind.Array ? items : throw Invalid(path, $"expected an array, found {Describe(items)}.");
    }

    private T Value<T>(string name, string expected) => ValueOf<T>(Field(name), At(name), expected);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
