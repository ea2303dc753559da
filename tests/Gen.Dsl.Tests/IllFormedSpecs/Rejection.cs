using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Xunit;

namespace Gen.Dsl.Tests.IllFormedSpecs;

/// <summary>What a clear rejection is: an argument error (never libtorch's) whose message names the node and the offending values.</summary>
internal static class Rejection
{
    /// <summary>Asserts that <paramref name="e"/> is a clear rejection of <paramref name="what"/>.</summary>
    public static void AssertClear(Exception? e, string what, string path, IEnumerable<string> words)
    {
        Assert.True(e is not null, $"{what}: accepted");
        Assert.False(e is ExternalException, $"{what}: reached libtorch: {e}");
        Assert.True(e is ArgumentException, $"{what}: threw {e.GetType().Name}, not an argument error: {e.Message}");
        Assert.True(e.Message.Contains(path, StringComparison.Ordinal), $"{what}: the message does not name '{path}': {e.Message}");
        foreach (var word in words)
        {
            Assert.True(e.Message.Contains(word, StringComparison.Ordinal), $"{what}: the message lacks '{word}': {e.Message}");
        }
    }
}
