using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gen.Dsl;

namespace HostileProbes.Specs;

/// <summary>
/// Hostile spec documents, made systematically from the valid document of every family: every value replaced by every
/// hostile value (<see cref="RawValue"/>), every field removed, repeated and joined by an unknown one, every type name
/// replaced by unknown and by other known ones, every array repeated past the limits; and, for the document as a whole,
/// text that is no JSON or no document, nesting, size, versions and duplicate keys.
/// </summary>
internal static class SpecMutations
{
    private const string Placeholder = "__probe__";
    private const string Duplicate = "__probe_duplicate__";

    public static IEnumerable<SpecCase> All()
    {
        var knownTypes = ValidSpecs.All
            .SelectMany(e => JsonPlace.All(JsonNode.Parse(e.Json())!))
            .Where(p => p.Name == "type" && p.Kind == JsonValueKind.String)
            .Select(p => JsonSerializer.Deserialize<string>(p.RawValue!)!)
            .Distinct().OrderBy(t => t, StringComparer.Ordinal).ToArray();
        foreach (var entry in ValidSpecs.All)
        {
            foreach (var c in PerPlace(entry, knownTypes))
            {
                yield return c;
            }
        }

        foreach (var c in WholeDocuments())
        {
            yield return c;
        }
    }

    private static IEnumerable<SpecCase> PerPlace(ValidSpecs.Entry entry, string[] knownTypes)
    {
        var json = entry.Json();
        var random = new Random(entry.Name.Length * 7919);
        foreach (var place in JsonPlace.All(JsonNode.Parse(json)!).Where(p => p.Steps.Count > 0))
        {
            bool container = place.Kind is JsonValueKind.Object or JsonValueKind.Array;
            foreach (var value in container ? RawValue.ForContainers : RawValue.ForScalars)
            {
                if (value.Label != place.RawValue)
                {
                    yield return Replaced(entry, json, place, value);
                }
            }

            if (place.Kind == JsonValueKind.String)
            {
                var current = JsonSerializer.Deserialize<string>(place.RawValue!)!;
                var others = place.Name is "type"
                    ? new[] { "no_such_type", current.ToUpperInvariant(), "Gen.Dsl.FlowSpec" }.Concat(knownTypes.Where(t => t != current).OrderBy(_ => random.Next()).Take(3))
                    : new[] { "no_such_value", current.ToUpperInvariant() };
                foreach (var other in others)
                {
                    var text = JsonSerializer.Serialize(other);
                    yield return Replaced(entry, json, place, new RawValue(text, () => text, JsonSerializer.Serialize(text), new[] { other }));
                }
            }

            if (place.Kind == JsonValueKind.Object)
            {
                foreach (var field in ((JsonObject)place.In(JsonNode.Parse(json)!)!).Select(p => p.Key).ToArray())
                {
                    yield return Missing(entry, json, place, field);
                    yield return Repeated(entry, json, place, field);
                }

                yield return Unknown(entry, json, place);
            }

            if (place.Kind == JsonValueKind.Array && ((JsonArray)place.In(JsonNode.Parse(json)!)!).Count > 0)
            {
                // Past MaxSteps (1,024) for a list of steps, past MaxLayers (16,384) for a list of hidden widths.
                yield return Lengthened(entry, json, place, 1_100);
                yield return Lengthened(entry, json, place, 17_000);
            }
        }
    }

    private static SpecCase Replaced(ValidSpecs.Entry entry, string json, JsonPlace place, RawValue value) => new(
        $"{entry.Name}: {place.Path} = {Short(value.Label)}",
        () =>
        {
            var root = JsonNode.Parse(json)!;
            place.Set(root, Placeholder);
            return root.ToJsonString().Replace($"\"{Placeholder}\"", value.Text(), StringComparison.Ordinal);
        },
        Read,
        Lines(
            $"var doc = JsonNode.Parse({Source(entry)}.ToJson())!;",
            $"{place.CSharp[..^1]} = \"{Placeholder}\";",
            $"SpecJson.FromJson(doc.ToJsonString().Replace(\"\\\"{Placeholder}\\\"\", {value.CSharp}));"),
        value.Names);

    private static SpecCase Missing(ValidSpecs.Entry entry, string json, JsonPlace place, string field) => new(
        $"{entry.Name}: {place.Path}.{field} missing",
        () =>
        {
            var root = JsonNode.Parse(json)!;
            ((JsonObject)place.In(root)!).Remove(field);
            return root.ToJsonString();
        },
        Read,
        Lines($"var doc = JsonNode.Parse({Source(entry)}.ToJson())!;", $"{Object(place)}.Remove(\"{field}\");", "SpecJson.FromJson(doc.ToJsonString());"),
        new[] { field });

    private static SpecCase Repeated(ValidSpecs.Entry entry, string json, JsonPlace place, string field) => new(
        $"{entry.Name}: {place.Path}.{field} given twice",
        () =>
        {
            var root = JsonNode.Parse(json)!;
            ((JsonObject)place.In(root)!)[Duplicate] = 0;
            return root.ToJsonString().Replace($"\"{Duplicate}\"", JsonSerializer.Serialize(field), StringComparison.Ordinal);
        },
        Read,
        Lines(
            $"var doc = JsonNode.Parse({Source(entry)}.ToJson())!;",
            $"{Object(place)}[\"{Duplicate}\"] = 0;",
            $"SpecJson.FromJson(doc.ToJsonString().Replace(\"\\\"{Duplicate}\\\"\", \"\\\"{field}\\\"\"));"),
        new[] { field });

    private static SpecCase Unknown(ValidSpecs.Entry entry, string json, JsonPlace place) => new(
        $"{entry.Name}: {place.Path} with an unknown field",
        () =>
        {
            var root = JsonNode.Parse(json)!;
            ((JsonObject)place.In(root)!)["unknown_field"] = 1;
            return root.ToJsonString();
        },
        Read,
        Lines($"var doc = JsonNode.Parse({Source(entry)}.ToJson())!;", $"{Object(place)}[\"unknown_field\"] = 1;", "SpecJson.FromJson(doc.ToJsonString());"),
        new[] { "unknown_field" });

    private static SpecCase Lengthened(ValidSpecs.Entry entry, string json, JsonPlace place, int count) => new(
        $"{entry.Name}: {place.Path} with its first item {count} times",
        () =>
        {
            var root = JsonNode.Parse(json)!;
            var array = (JsonArray)place.In(root)!;
            var first = array[0];
            array.Clear();
            for (int i = 0; i < count; i++)
            {
                array.Add(first?.DeepClone());
            }

            return root.ToJsonString();
        },
        Read,
        Lines(
            $"var doc = JsonNode.Parse({Source(entry)}.ToJson())!;",
            $"var items = {place.CSharp}.AsArray(); var first = items[0]; items.Clear();",
            $"for (int i = 0; i < {count}; i++) items.Add(first?.DeepClone());",
            "SpecJson.FromJson(doc.ToJsonString());"),
        new[] { count.ToString(CultureInfo.InvariantCulture), (count + 1).ToString(CultureInfo.InvariantCulture), "limit", "1025", "16385", "MaxDocumentBytes" });

    /// <summary>Documents broken as a whole: not JSON, not a document, too deep, too long, of another version or kind.</summary>
    private static IEnumerable<SpecCase> WholeDocuments()
    {
        var flow = ValidSpecs.Named("flow");
        var json = flow.Json();
        var src = $"{Source(flow)}.ToJson()";
        SpecCase Text(string name, Func<string> document, string repro, params string[] names) =>
            new($"document: {name}", document, Read, $"SpecJson.FromJson({repro});", names);

        foreach (var text in new[] { "", " ", "null", "[]", "1", "\"spec\"", "{}", "{\"version\": 1}", "{\"spec\": {}}" })
        {
            yield return Text($"the text {JsonSerializer.Serialize(text)}", () => text, JsonSerializer.Serialize(text), "not valid JSON", "an array", "null", "missing", "a JSON object", "version", "spec", text.Trim('"') is { Length: > 0 } t ? t : "\"\"");
        }

        foreach (var fraction in new[] { 0.25, 0.5, 0.75 })
        {
            int cut = (int)(json.Length * fraction);
            yield return Text($"cut after {fraction:P0} of its text", () => json[..cut], $"{src}[..{cut}]", "not valid JSON");
        }

        yield return Text("cut one character short", () => json[..^1], $"{src}[..^1]", "not valid JSON");
        yield return Text("a closing brace too many", () => json + "}", $"{src} + \"}}\"", "not valid JSON");
        yield return Text("a comment before it", () => "/* c */" + json, $"\"/* c */\" + {src}", "not valid JSON");
        yield return Text("a byte-order mark before it", () => "\uFEFF" + json, $"\"\\uFEFF\" + {src}", "not valid JSON");
        yield return Text("single quotes", () => json.Replace('"', '\''), $"{src}.Replace('\"', '\\'')", "not valid JSON");
        yield return Text("a NUL character inside", () => json.Insert(json.Length / 2, "\0"), $"{src}.Insert({json.Length / 2}, \"\\0\")", "not valid JSON");
        yield return Text("2 MiB of spaces after it", () => json + new string(' ', 2 << 20), $"{src} + new string(' ', 2 << 20)", "MaxDocumentBytes", "limit");
        yield return Text("padded with spaces to just under 1 MiB", () => json + new string(' ', (1 << 20) - json.Length - 1), $"{src} + new string(' ', (1 << 20) - {json.Length} - 1)", "MaxDocumentBytes");
        yield return Text("version 2", () => json.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal), $"{src}.Replace(\"\\\"version\\\": 1\", \"\\\"version\\\": 2\")", "version 2", "2");
        yield return Text("version given twice", () => json.Replace("\"version\": 1", "\"version\": 1, \"version\": 1", StringComparison.Ordinal),
            $"{src}.Replace(\"\\\"version\\\": 1\", \"\\\"version\\\": 1, \\\"version\\\": 1\")", "version");
        yield return Text("spec given twice", () => json.TrimEnd()[..^1] + ", \"spec\": {}}", $"{src}.TrimEnd()[..^1] + \", \\\"spec\\\": {{}}}}\"", "spec");
        yield return Text("spec nested 10,000 arrays deep", () => $"{{\"version\": 1, \"spec\": {new string('[', 10_000)}{new string(']', 10_000)}}}",
            "$\"{{\\\"version\\\": 1, \\\"spec\\\": {new string('[', 10_000)}{new string(']', 10_000)}}}\"", "not valid JSON", "depth");
        foreach (int depth in new[] { 50, 1_000 })
        {
            yield return Text($"a step inverted {depth} times", () => InvertedNest(depth), $"/* a flow over 2 features whose one step is {{\"type\": \"inverted\", \"of\": ...}} {depth} deep around an affine step */ doc",
                "not valid JSON", "depth", "inverted");
        }

        yield return Text("50,000 affine steps", () => Steps(50_000), "/* a flow over 2 features with 50,000 {\"type\": \"affine\"} steps */ doc", "MaxSteps", "1025", "limit");
        yield return Text("a coupling network of 20,000 hidden layers", () => HiddenLayers(20_000), "/* a flow over 2 features, one affine coupling whose net has \"hidden\": [1, 1, ..., 1] (20,000) */ doc", "MaxLayers", "limit", "16385");
        yield return Text("a coupling network of 400,000 hidden layers (800 KB)", () => HiddenLayers(400_000), "/* a flow over 2 features, one affine coupling whose net has \"hidden\": [1, 1, ..., 1] (400,000) */ doc", "MaxLayers", "limit", "16385");
        foreach (var (family, where, label) in new[]
        {
            ("vae", new object[] { "spec", "encoder", "hidden" }, "a VAE encoder"),
            ("vae", new object[] { "spec", "decoder", "hidden" }, "a VAE decoder"),
            ("made", new object[] { "spec", "hidden" }, "a MADE"),
            ("flow_conditional", new object[] { "spec", "base", "net", "hidden" }, "a conditional base's network"),
            ("gan", new object[] { "spec", "generator", "hidden" }, "a GAN generator"),
            ("critic", new object[] { "spec", "network", "hidden" }, "a critic network"),
        })
        {
            var place = new JsonPlace(where, JsonValueKind.Array, null);
            yield return Text($"{label} of 400,000 hidden layers (800 KB)", () => Ones(family, place, 400_000),
                $"/* the {family} document of ValidSpecs with {place.Path} = [1, 1, ..., 1] (400,000 items) */ doc", "MaxLayers", "limit", "16385");
        }

        yield return Text("an FVSBN given order of 150,000 features (900 KB)", () => GivenOrder(150_000), "/* an FVSBN of 6 features whose order is {\"type\": \"given\", \"order\": [149999, ..., 0]} */ doc", "150000", "order", "features");
        yield return Text("a coupling network of 1,000 hidden layers of width 65,536", () => HiddenLayers(1_000, 65_536), "/* one affine coupling whose net has 1,000 hidden layers of 65,536 units */ doc", "MaxParameters", "limit");

        foreach (var entry in ValidSpecs.All)
        {
            var expected = entry.Name.StartsWith("flow", StringComparison.Ordinal) ? "VaeSpec" : "FlowSpec";
            yield return new($"document: {entry.Name} read as a {expected}", entry.Json,
                text => expected == "VaeSpec" ? SpecJson.FromJson<VaeSpec>(text) : SpecJson.FromJson<FlowSpec>(text),
                $"SpecJson.FromJson<{expected}>({Source(entry)}.ToJson());", new[] { expected });
        }
    }

    private static string InvertedNest(int depth)
    {
        var step = "{\"type\": \"affine\"}";
        for (int i = 0; i < depth; i++)
        {
            step = $"{{\"type\": \"inverted\", \"of\": {step}}}";
        }

        return $"{{\"version\": 1, \"spec\": {{\"type\": \"flow\", \"base\": {{\"type\": \"standard_normal\", \"features\": 2}}, \"steps\": [{step}]}}}}";
    }

    private static string Steps(int count) =>
        $"{{\"version\": 1, \"spec\": {{\"type\": \"flow\", \"base\": {{\"type\": \"standard_normal\", \"features\": 2}}, \"steps\": [{string.Join(",", Enumerable.Repeat("{\"type\": \"affine\"}", count))}]}}}}";

    private static string HiddenLayers(int count, int width = 1) =>
        "{\"version\": 1, \"spec\": {\"type\": \"flow\", \"base\": {\"type\": \"standard_normal\", \"features\": 2}, \"steps\": [" +
        "{\"type\": \"affine_coupling\", \"mask\": {\"features\": 2, \"odd\": false, \"halves\": false}, \"net\": {\"hidden\": [" +
        string.Join(",", Enumerable.Repeat(width.ToString(CultureInfo.InvariantCulture), count)) + "], \"activation\": \"relu\"}, \"additive\": false}]}}";

    // The family's document with a list of `count` ones at `place`.
    private static string Ones(string family, JsonPlace place, int count)
    {
        var doc = JsonNode.Parse(ValidSpecs.Named(family).Json())!;
        place.Set(doc, Placeholder);
        return doc.ToJsonString().Replace($"\"{Placeholder}\"", "[" + string.Join(",", Enumerable.Repeat("1", count)) + "]", StringComparison.Ordinal);
    }

    private static string GivenOrder(int count)
    {
        var doc = JsonNode.Parse(ValidSpecs.Named("fvsbn").Json())!;
        doc["spec"]!["order"]!["order"] = Placeholder;
        return doc.ToJsonString().Replace($"\"{Placeholder}\"", "[" + string.Join(",", Enumerable.Range(0, count).Reverse()) + "]", StringComparison.Ordinal);
    }

    private static object Read(string json) => SpecJson.FromJson(json);

    private static string Source(ValidSpecs.Entry entry) => Regex.Replace(entry.Source, @"\s+", " ");

    private static string Object(JsonPlace place) => place.Steps.Count == 0 ? "doc.AsObject()" : $"{place.CSharp}.AsObject()";

    private static string Lines(params string[] lines) => string.Join("\n", lines);

    private static string Short(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
