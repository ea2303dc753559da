using System;
using System.IO;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Readme;

public class ReadmeSnippetTests
{
    /// <summary>The README's C# snippet, verbatim between the markers; returns the loss before and after.</summary>
    private static (float Before, float After) CSharpSnippet()
    {
        Seed.Everything(0);
        float before = float.NaN, after = float.NaN;
        // README:begin
        var spec = Flow.Over(Dist.StandardNormal(64))
            .Then(Bij.AffineCoupling(Mask.Alternating(64), Net.Mlp(128, 128)))
            .Then(Bij.Reverse())
            .Repeat(4);

        using var model = spec.Compile(Device.Cpu, seed: 0);
        var pixels = Digits.Load(Device.Cpu).Images;
        var x = (pixels + torch.rand(pixels.shape)) / 17f; // dequantised, in (0, 1)
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        for (int step = 0; step < 50; step++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = -model.LogProb(x).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        // README:end
            if (step == 0)
            {
                before = loss.item<float>();
            }

            after = loss.item<float>();
        }

        return (before, after);
    }

    internal static string RepositoryFile(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Gen.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, name);
    }

    private static string Normalise(string code) =>
        string.Join("\n", code.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    internal static string Block(string language)
    {
        var text = File.ReadAllText(RepositoryFile("README.md"));
        var start = text.IndexOf("```" + language + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no ```{language} block");
        start += language.Length + 4;
        var end = text.IndexOf("```", start, StringComparison.Ordinal);
        return Normalise(text[start..end]);
    }

    /// <summary>The normalised C# block of <paramref name="readme"/> whose first line is <paramref name="firstLine"/>.</summary>
    internal static string BlockStartingWith(string readme, string firstLine)
    {
        var text = File.ReadAllText(RepositoryFile(readme)).Replace("\r", "", StringComparison.Ordinal);
        var start = text.IndexOf("```csharp\n" + firstLine, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{readme} has no C# block beginning with '{firstLine}'");
        start += "```csharp\n".Length;
        return Normalise(text[start..text.IndexOf("```", start, StringComparison.Ordinal)]);
    }

    internal static string Marked(string file)
    {
        var code = File.ReadAllText(RepositoryFile(file));
        var start = code.IndexOf("README:begin", StringComparison.Ordinal);
        var end = code.IndexOf("README:end", StringComparison.Ordinal);
        var lines = code[start..end].Split('\n').Skip(1).SkipLast(1);
        return Normalise(string.Join("\n", lines));
    }

    [Fact]
    public void The_README_shows_the_tested_CSharp_snippet()
    {
        // The snippet's closing brace of the loop lives after the marker here (so the test can read the loss),
        // so compare everything the README shows up to that brace.
        var readme = Block("csharp");
        var tested = Marked("tests/Gen.Dsl.Tests/Readme/ReadmeSnippetTests.cs");
        Assert.Equal(tested + "\n}", readme);
    }

    [Fact]
    public void The_README_CSharp_snippet_runs_and_learns()
    {
        var (before, after) = CSharpSnippet();
        Assert.True(after < before - 20, $"loss went from {before} to {after}");
    }
}
