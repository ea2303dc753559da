using System;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>An error about a huge value in a document quotes a bounded part of it, not the whole value.</summary>
public sealed class LongValueMessageTests
{
    [Fact]
    public void A_refused_order_of_two_hundred_thousand_entries_is_quoted_in_a_bounded_message()
    {
        var document = JsonNode.Parse(Autoregressive.Fvsbn(3).WithOrder(InputOrder.Given(2, 0, 1)).ToJson())!;
        var entries = new JsonArray(Enumerable.Repeat(5, 200_000).Select(v => (JsonNode?)v).ToArray());
        document["spec"]!["order"]!["order"] = entries;
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(document.ToJsonString(), SpecLimits.Default.WithMaxDocumentBytes(1 << 22)));
        Assert.Equal(CheckpointError.InvalidSpec, e.Error);
        Assert.StartsWith("$.spec.order", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 2100, $"a message of {e.Message.Length} characters");
        Assert.Contains("characters in all", e.Message, StringComparison.Ordinal);
    }
}
