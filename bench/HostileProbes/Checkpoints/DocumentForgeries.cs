using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace HostileProbes.Checkpoints;

/// <summary>
/// Checkpoints whose JSON document lies while every checksum is right (re-signed): specs far larger than the weights
/// (10^9 features; a billion parameters within every limit), specs of another model, wrong dtypes, versions, state and
/// fields, text that is not UTF-8 or not JSON, and a document past the size limit.
/// </summary>
internal static class DocumentForgeries
{
    private const string Flow = SavedModels.FlowWithOptimizer;

    public static IEnumerable<CheckpointCase> All()
    {
        var made = "{\"type\": \"made\", \"features\": F, \"hidden\": [H], \"outputs_per_feature\": 1, \"context_features\": 0, \"order\": {\"type\": \"natural\"}, \"degrees\": {\"type\": \"random\", \"seed\": 0}, \"masks\": 1, \"activation\": \"relu\"}";
        string Made(long features, long hidden) => made.Replace("F", $"{features}", StringComparison.Ordinal).Replace("H", $"{hidden}", StringComparison.Ordinal);
        var cases = new (string Name, string Saved, Func<JsonObject, JsonNode?> Forge, string CSharp)[]
        {
            ("a MADE spec of 10^9 features", Flow, d => Spec(d, Made(1_000_000_000, 8)), "doc[\"spec\"] = a MADE of 1,000,000,000 features"),
            ("a MADE spec of 16,384 features and 32,768 hidden units (1.07 billion parameters, within every limit)", Flow, d => Spec(d, Made(16_384, 32_768)), "doc[\"spec\"] = a MADE 16384 x [32768]"),
            ("a MADE spec of 4,096 features and 4,096 hidden units (34 million parameters)", Flow, d => Spec(d, Made(4_096, 4_096)), "doc[\"spec\"] = a MADE 4096 x [4096]"),
            ("the first coupling one hidden unit wider", Flow, d => { d["spec"]!["steps"]![0]!["net"]!["hidden"]![0] = 9; return d; }, "doc[\"spec\"][\"steps\"][0][\"net\"][\"hidden\"][0] = 9"),
            ("the last step removed", Flow, d => { d["spec"]!["steps"]!.AsArray().RemoveAt(7); return d; }, "doc[\"spec\"][\"steps\"].RemoveAt(7)"),
            ("the VAE's spec", Flow, d => { d["spec"] = JsonNode.Parse(Specs.ValidSpecs.Named("vae").Json())!["spec"]!.DeepClone(); return d; }, "doc[\"spec\"] = the VAE's spec"),
            ("dtype float128", Flow, d => { d["dtype"] = "float128"; return d; }, "doc[\"dtype\"] = \"float128\""),
            ("dtype int32", Flow, d => { d["dtype"] = "int32"; return d; }, "doc[\"dtype\"] = \"int32\""),
            ("dtype float64 (weights of float32)", Flow, d => { d["dtype"] = "float64"; return d; }, "doc[\"dtype\"] = \"float64\""),
            ("dtype null", Flow, d => { d["dtype"] = null; return d; }, "doc[\"dtype\"] = null"),
            ("no dtype", Flow, d => { d.Remove("dtype"); return d; }, "doc.Remove(\"dtype\")"),
            ("spec null (weights alone)", Flow, d => { d["spec"] = null; return d; }, "doc[\"spec\"] = null"),
            ("version 2", Flow, d => { d["version"] = 2; return d; }, "doc[\"version\"] = 2"),
            ("version 0", Flow, d => { d["version"] = 0; return d; }, "doc[\"version\"] = 0"),
            ("no state", Flow, d => { d.Remove("state"); return d; }, "doc.Remove(\"state\")"),
            ("a state with an unknown field", Flow, d => { d["state"]!["unknown_field"] = 1; return d; }, "doc[\"state\"][\"unknown_field\"] = 1"),
            ("a state of 5", Flow, d => { d["state"] = 5; return d; }, "doc[\"state\"] = 5"),
            ("an unknown field", Flow, d => { d["unknown_field"] = 1; return d; }, "doc[\"unknown_field\"] = 1"),
            ("a MADE's current mask 99", "made", d => { d["state"]!["current_mask"] = 99; return d; }, "doc[\"state\"][\"current_mask\"] = 99"),
            ("a MADE's current mask -1", "made", d => { d["state"]!["current_mask"] = -1; return d; }, "doc[\"state\"][\"current_mask\"] = -1"),
            ("a MADE's current mask 2^31-1", "made", d => { d["state"]!["current_mask"] = int.MaxValue; return d; }, "doc[\"state\"][\"current_mask\"] = int.MaxValue"),
            ("a MADE's current mask \"x\"", "made", d => { d["state"]!["current_mask"] = "x"; return d; }, "doc[\"state\"][\"current_mask\"] = \"x\""),
        };
        var texts = new (string Name, Func<byte[], byte[]> Forge, string CSharp)[]
        {
            ("a dtype string that is not UTF-8", NotUtf8, "the bytes \"oat\" of \"float32\" = FF FE FD"),
            ("a type name with a lone surrogate", j => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(j).Replace("\"standard_normal\"", "\"\\ud800\"", StringComparison.Ordinal)), "\"standard_normal\" replaced by \"\\ud800\""),
            ("a JSON part of 2 MiB (spaces after the document)", j => j.Concat(Enumerable.Repeat((byte)' ', 2 << 20)).ToArray(), "2 MiB of spaces appended to the JSON"),
            ("an empty JSON part", _ => Array.Empty<byte>(), "the JSON part emptied"),
            ("a JSON part \"null\"", _ => Encoding.UTF8.GetBytes("null"), "the JSON part = null"),
            ("a JSON part cut in half", j => j[..(j.Length / 2)], "the JSON part cut in half"),
            ("a JSON part of arrays nested 10,000 deep", _ => Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)), "the JSON part = 10,000 nested arrays"),
        };
        foreach (var reader in new[] { Reader.Load, Reader.ReadSpec })
        {
            foreach (var (name, saved, forge, csharp) in cases)
            {
                yield return Case($"a document with {name}", saved, j => Encoding.UTF8.GetBytes(forge(JsonNode.Parse(j)!.AsObject())!.ToJsonString()), csharp, reader);
            }

            foreach (var (name, forge, csharp) in texts)
            {
                yield return Case(name, Flow, forge, csharp, reader);
            }
        }

        foreach (var family in Specs.ValidSpecs.All.Select(e => e.Name).Where(n => !n.StartsWith("flow", StringComparison.Ordinal)))
        {
            yield return CheckpointCase.OfBytes($"a {family} checkpoint", family, () => SavedModels.Bytes(family), "File.Copy(\"good.ckpt\", \"bad.ckpt\");", Reader.LoadAsFlow);
            yield return CheckpointCase.OfBytes($"a {family} checkpoint into a flow", family, () => SavedModels.Bytes(family), "File.Copy(\"good.ckpt\", \"bad.ckpt\");", Reader.LoadWeights());
        }
    }

    private static CheckpointCase Case(string name, string saved, Func<byte[], byte[]> forge, string csharp, Reader reader) => CheckpointCase.OfBytes(
        name,
        saved,
        () =>
        {
            var c = CheckpointBytes.Parse(SavedModels.Bytes(saved));
            return (c with { Json = forge(c.Json) }).Write();
        },
        $"var doc = JsonNode.Parse(/* the JSON part */ b[48..(48 + BitConverter.ToInt32(b, 16))])!.AsObject();\n// {csharp}; then the JSON part replaced, the header's lengths, checksum and the final SHA-256 recomputed\nFile.WriteAllBytes(\"bad.ckpt\", forged);",
        reader);

    // "float32" with three bytes that are no UTF-8: inside a string, so the text is JSON but not UTF-8.
    private static byte[] NotUtf8(byte[] json)
    {
        var copy = (byte[])json.Clone();
        int at = copy.AsSpan().IndexOf("float32"u8) + 2;
        copy[at] = 0xFF;
        copy[at + 1] = 0xFE;
        copy[at + 2] = 0xFD;
        return copy;
    }

    private static JsonObject Spec(JsonObject document, string spec)
    {
        document["spec"] = JsonNode.Parse(spec);
        return document;
    }
}
