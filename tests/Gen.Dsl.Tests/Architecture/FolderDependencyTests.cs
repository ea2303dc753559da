using System;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.Architecture;

/// <summary>The folders of each library depend on each other one way: a cycle between them fails here, naming the uses that close it.</summary>
public sealed class FolderDependencyTests(ITestOutputHelper output)
{
    private static string SourceRoot(string project)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Gen.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "src", project);
    }

    [Theory]
    [InlineData("Gen.Dsl")]
    [InlineData("Gen.Probability")]
    [InlineData("Gen.Core")]
    public void No_folder_depends_on_itself_through_others(string project)
    {
        var graph = FolderGraph.Read(Path.Combine(AppContext.BaseDirectory, project + ".dll"), SourceRoot(project));
        foreach (var (from, targets) in graph.Edges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", targets.Keys.Order(StringComparer.Ordinal))}");
        }

        var cycles = graph.Cycles();
        var message = string.Join(
            Environment.NewLine,
            cycles.Select(c => $"cycle among {string.Join(", ", c)}: " + string.Join("; ", c.SelectMany(a => c.Where(b => graph.Edges.TryGetValue(a, out var t) && t.ContainsKey(b)).Select(b => $"{a} -> {b} ({string.Join(", ", graph.Edges[a][b])})")))));
        Assert.True(cycles.Count == 0, message);
    }
}
