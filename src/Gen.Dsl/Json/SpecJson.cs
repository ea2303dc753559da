using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Model specs as JSON documents, <c>{"version": 1, "spec": {"type": "flow", ...}}</c>: every node is an object
/// whose fields are the node's properties in snake_case, and where several node types can stand in one place
/// (bijectors, distributions, pixel heads, likelihoods, input orders, model specs) a <c>"type"</c> field names the type
/// by a fixed name, never a CLR type name. Reading rebuilds the spec through its factories, so every check runs;
/// a spec read back equals the one written.
/// </summary>
/// <remarks>
/// Reading fails with a <see cref="GenCheckpointException"/> naming the JSON path (such as
/// <c>$.spec.steps[2].mask.features</c>) for invalid JSON, a missing field, a field the node does not have, a value of
/// the wrong kind, an unknown type name, a value the spec rejects (<see cref="CheckpointError.InvalidSpec"/>), a
/// document of a newer format version (<see cref="CheckpointError.NewerVersion"/>), and a document or spec larger
/// than the <see cref="SpecLimits"/> passed (<see cref="CheckpointError.LimitExceeded"/>).
/// </remarks>
public static class SpecJson
{
    /// <summary>The format version written, and the newest one read.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The spec as an indented JSON document.</summary>
    /// <exception cref="ArgumentException">The spec is not one Gen has a JSON form for.</exception>
    public static string ToJson<TModel>(this IModelSpec<TModel> spec)
        where TModel : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(spec);
        var document = new JsonObject
        {
            ["version"] = FormatVersion,
            ["spec"] = Write(spec),
        };
        return Format(document);
    }

    /// <summary>Reads a spec written by <see cref="ToJson{TModel}"/>, refusing one larger than <paramref name="limits"/> allow.</summary>
    /// <param name="json">The document.</param>
    /// <param name="limits">How large a spec may be; <see cref="SpecLimits.Default"/> when null.</param>
    /// <exception cref="GenCheckpointException">The document is not a valid spec, or is of a newer format version; the message names the JSON path. Or the document or its spec passes a limit (<see cref="CheckpointError.LimitExceeded"/>; the message names the node, its value and the limit).</exception>
    public static IModelSpec<torch.nn.Module> FromJson(string json, SpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        limits ??= SpecLimits.Default;
        limits.CheckDocument(json.Length);
        var document = OpenDocument(json, "a spec document");
        var spec = ReadSpec(document);
        document.RejectOthers("a spec document");
        limits.Check(spec);
        return spec;
    }

    /// <summary>Reads a spec of type <typeparamref name="TSpec"/> (such as <see cref="FlowSpec"/>) written by <see cref="ToJson{TModel}"/>, refusing one larger than <paramref name="limits"/> allow.</summary>
    /// <param name="json">The document.</param>
    /// <param name="limits">How large a spec may be; <see cref="SpecLimits.Default"/> when null.</param>
    /// <exception cref="GenCheckpointException">The document is not a valid spec, is of a newer format version, holds another kind of spec, or passes a limit.</exception>
    public static TSpec FromJson<TSpec>(string json, SpecLimits? limits = null)
        where TSpec : class
    {
        var spec = FromJson(json, limits);
        return spec as TSpec ?? throw new GenCheckpointException(
            CheckpointError.WrongModelType,
            $"$.spec.type: the document holds a {spec.GetType().Name}, not a {typeof(TSpec).Name}.",
            jsonPath: "$.spec.type");
    }

    /// <summary>
    /// Registers a node type of your own, so that specs holding it are written as JSON, saved with
    /// <see cref="Model.Save"/> and read back: a bijector (<see cref="BijSpec"/>), a univariate map
    /// (<see cref="Gen.Probability.Bijectors.UnivariateMap"/>), a distribution (<see cref="DistSpec"/>) or a network
    /// (<see cref="NetworkSpec"/>, for a VAE's encoder or decoder) or a head (<see cref="HeadSpec"/>, a VAE's likelihood or a
    /// pixel model's head). Reading goes
    /// through <paramref name="read"/>, which should build the node through the same checks code would (a check that
    /// throws an <see cref="ArgumentException"/> is reported at the node's JSON path), and a field it does not read is
    /// an error. Register once per process, before reading or writing; registration is safe while other threads read
    /// and write specs.
    /// </summary>
    /// <typeparam name="TNode">The node type.</typeparam>
    /// <param name="typeName">The name written in the node's <c>"type"</c> field: lower-case letters, digits and underscores, starting with a letter, and not a name Gen uses. Never change it once files use it.</param>
    /// <param name="write">Adds the node's fields (not <c>"type"</c>) to the object; nested nodes go in with <see cref="WriteNode"/>.</param>
    /// <param name="read">Builds the node from its fields; nested nodes come out with <see cref="JsonFields.Bijector"/>, <see cref="JsonFields.Map"/>, <see cref="JsonFields.Mlp"/> and the like.</param>
    /// <exception cref="ArgumentException">The type name is not of the allowed form, or <typeparamref name="TNode"/> is not a bijector, univariate map, distribution, network or head node.</exception>
    /// <exception cref="InvalidOperationException">The type name or the node type is registered already.</exception>
    public static void Register<TNode>(string typeName, Action<TNode, JsonObject> write, Func<JsonFields, TNode> read)
        where TNode : class
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(read);
        if (typeName.Length == 0 || typeName.Length > 64 || !char.IsAsciiLetterLower(typeName[0]) || !typeName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"A node's type name is 1 to 64 lower-case letters, digits and underscores, starting with a letter; got '{typeName}'.", nameof(typeName));
        }

        if (typeof(TNode).IsAbstract)
        {
            throw new ArgumentException($"Register a concrete node type, not the abstract {typeof(TNode).Name}.", nameof(TNode));
        }

        if (typeof(BijSpec).IsAssignableFrom(typeof(TNode)))
        {
            Add(FlowJson.Bijectors, typeName, write, read);
        }
        else if (typeof(Gen.Probability.Bijectors.UnivariateMap).IsAssignableFrom(typeof(TNode)))
        {
            Add(FlowJson.Maps, typeName, write, read);
        }
        else if (typeof(DistSpec).IsAssignableFrom(typeof(TNode)))
        {
            Add(FlowJson.Distributions, typeName, write, read);
        }
        else if (typeof(NetworkSpec).IsAssignableFrom(typeof(TNode)) && typeof(TNode) != typeof(MlpSpec))
        {
            Add(NetworkJson.Networks, typeName, write, read);
        }
        else if (typeof(HeadSpec).IsAssignableFrom(typeof(TNode)))
        {
            Add(HeadJson.Heads, typeName, write, read);
        }
        else
        {
            throw new ArgumentException($"{typeof(TNode).Name} is not a node type that takes a JSON form of your own: register a BijSpec, a UnivariateMap, a DistSpec, a NetworkSpec or a HeadSpec.", nameof(TNode));
        }
    }

    /// <summary>
    /// A node as a JSON object with its type name, for a codec whose node holds other nodes: a bijector, univariate map,
    /// distribution, network (each of Gen's or a registered one of your own) or a coupling mask.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node's type has no JSON form (register it with <see cref="Register{TNode}"/>).</exception>
    /// <exception cref="ArgumentException">The value is not a node.</exception>
    public static JsonObject WriteNode(object node) => node switch
    {
        null => throw new ArgumentNullException(nameof(node)),
        BijSpec bijector => FlowJson.Bijectors.Write(bijector),
        Gen.Probability.Bijectors.UnivariateMap map => FlowJson.Maps.Write(map),
        DistSpec distribution => FlowJson.Distributions.Write(distribution),
        NetworkSpec network => NetworkJson.WriteNetwork(network),
        MaskSpec mask => FlowJson.Mask.Write(mask),
        HeadSpec head => HeadJson.Heads.Write(head),
        _ => throw new ArgumentException($"{node.GetType().Name} is not a node with a JSON form of its own (bijector, univariate map, distribution, MLP, mask or head).", nameof(node)),
    };

    private static void Add<TBase, TNode>(NodeKinds<TBase> kinds, string typeName, Action<TNode, JsonObject> write, Func<JsonFields, TNode> read)
        where TBase : class
        where TNode : class =>
        kinds.Add(
            typeof(TNode),
            typeName,
            new NodeCodec<TBase>($"{kinds.What} '{typeName}'", (value, o) => write((TNode)(object)value, o), fields => (TBase)(object)read(fields)));

    /// <summary>The spec as a JSON object with its type name.</summary>
    internal static JsonObject Write(IModelSpec<torch.nn.Module> spec)
    {
        ModelFamilies.OfSpec(spec);
        return ModelFamilies.Specs.Write(spec);
    }

    /// <summary>Reads the <c>"spec"</c> field of a document.</summary>
    internal static IModelSpec<torch.nn.Module> ReadSpec(JsonFields document) => document.Node("spec", ModelFamilies.Specs);

    /// <summary>A document as indented JSON.</summary>
    internal static string Format(JsonObject document) => document.ToJsonString(Indented);

    /// <summary>
    /// Parses a document and checks its <c>"version"</c> first, so that a newer document is reported as such rather
    /// than by whatever field it no longer has.
    /// </summary>
    internal static JsonFields OpenDocument(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        return OpenDocument(() => JsonElement.Parse(json, Strict), what);
    }

    /// <summary>As <see cref="OpenDocument(string, string)"/>, for a document in UTF-8.</summary>
    internal static JsonFields OpenDocument(byte[] utf8, string what) => OpenDocument(() => JsonElement.Parse(utf8, Strict), what);

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private static JsonFields OpenDocument(Func<JsonElement> parse, string what)
    {
        JsonElement root;
        try
        {
            root = parse();
        }
        catch (JsonException e)
        {
            throw JsonFields.Invalid(string.IsNullOrEmpty(e.Path) ? "$" : e.Path, $"not valid JSON: {e.Message}", e);
        }

        var document = JsonFields.Of(root, "$", what);
        int version = document.Int("version");
        if (version > FormatVersion)
        {
            throw new GenCheckpointException(
                CheckpointError.NewerVersion,
                $"$.version: the document is in format version {version}, but this version of Gen reads versions up to {FormatVersion}; read it with a newer Gen.",
                jsonPath: "$.version");
        }

        if (version < 1)
        {
            throw JsonFields.Invalid("$.version", $"format versions start at 1, got {version}.");
        }

        return document;
    }
}
