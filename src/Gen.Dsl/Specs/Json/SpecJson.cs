using System;
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
