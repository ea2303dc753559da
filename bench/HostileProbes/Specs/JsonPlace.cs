using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HostileProbes.Specs;

/// <summary>
/// A place in a JSON document: the steps from the root (property names and array indices), its JSON path as the library
/// writes paths (<c>$.spec.steps[2].mask.features</c>) and the same place as a C# indexer chain for reproductions.
/// </summary>
internal sealed record JsonPlace(IReadOnlyList<object> Steps, JsonValueKind Kind, string? RawValue)
{
    /// <summary>The JSON path.</summary>
    public string Path => "$" + string.Concat(Steps.Select(s => s is int i ? $"[{i}]" : $".{s}"));

    /// <summary>The place as C#, from a <c>JsonNode doc</c>.</summary>
    public string CSharp => "doc" + string.Concat(Steps.Select(s => s is int i ? $"[{i}]!" : $"[\"{s}\"]!"));

    /// <summary>The property name of the place, or null for an array item or the root.</summary>
    public string? Name => Steps.Count > 0 ? Steps[^1] as string : null;

    /// <summary>Every place in <paramref name="root"/>, the root first, parents before children.</summary>
    public static List<JsonPlace> All(JsonNode root)
    {
        var places = new List<JsonPlace>();
        Walk(root, new List<object>(), places);
        return places;
    }

    /// <summary>The node at this place in <paramref name="root"/>.</summary>
    public JsonNode? In(JsonNode root) => Steps.Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step]);

    /// <summary>The parent node (an object or array) in <paramref name="root"/>.</summary>
    public JsonNode Parent(JsonNode root) => Steps.Take(Steps.Count - 1).Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step])!;

    /// <summary>Replaces the value at this place in <paramref name="root"/>.</summary>
    public void Set(JsonNode root, JsonNode? value)
    {
        var parent = Parent(root);
        if (Steps[^1] is int i)
        {
            parent.AsArray()[i] = value;
        }
        else
        {
            parent.AsObject()[(string)Steps[^1]] = value;
        }
    }

    private static void Walk(JsonNode? node, List<object> steps, List<JsonPlace> places)
    {
        var kind = node?.GetValueKind() ?? JsonValueKind.Null;
        places.Add(new JsonPlace(steps.ToArray(), kind, kind is JsonValueKind.Object or JsonValueKind.Array ? null : node?.ToJsonString() ?? "null"));
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                steps.Add(name);
                Walk(child, steps, places);
                steps.RemoveAt(steps.Count - 1);
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                steps.Add(i);
                Walk(array[i], steps, places);
                steps.RemoveAt(steps.Count - 1);
            }
        }
    }
}
