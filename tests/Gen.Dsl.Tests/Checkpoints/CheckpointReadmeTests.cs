using System;
using System.IO;
using System.Linq;
using Gen.Dsl.Tests.Readme;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

public sealed class CheckpointReadmeTests
{
    [Fact]
    public void The_saving_and_loading_snippet_is_the_tested_one()
    {
        var readme = File.ReadAllText(ReadmeSnippetTests.RepositoryFile("src/Gen.Dsl/README.md"));
        var section = readme[readme.IndexOf("## Saving and loading", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var shown = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Equal(Code(ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/Checkpoints/CheckpointReadmeTests.cs")), Code(shown));
    }

    [Fact]
    public void The_saving_and_loading_snippet_runs()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "flow.ckpt");
        using var model = (FlowModel)CheckpointModels.Build("flow");
        using var optimizer = new FusedAdam(model.parameters());
        // README:begin
        Model.Save(path, model, optimizer);                         // optimizer is optional
        using var restored = Model.Load<FlowModel>(path, Device.Cpu);  // or Model.Load(path, device) for any model
        using var adam = Model.LoadOptimizer(path, restored);       // training resumes exactly where it stopped
        var json = restored.Spec.ToJson();                          // {"version": 1, "spec": {"type": "flow", ...}}
        var spec = SpecJson.FromJson<FlowSpec>(json);
        // README:end
        Assert.Equal(model.Spec, spec);
        Assert.Equal(optimizer.Parameters.Count, adam.Parameters.Count);
    }

    // Comments are the README's to word; the code must match line for line.
    private static string Code(string text) => string.Join("\n", text.Split('\n')
        .Select(l => (l.Contains("//", StringComparison.Ordinal) ? l[..l.IndexOf("//", StringComparison.Ordinal)] : l).Trim())
        .Where(l => l.Length > 0));
}
