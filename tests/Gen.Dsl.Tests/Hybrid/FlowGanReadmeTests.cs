using System;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Dsl.Tests.Readme;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Hybrid;

public class FlowGanReadmeTests
{
    private const string Heading = "## Likelihood, adversarial, or both: Flow-GAN";

    /// <summary>The README's Flow-GAN snippet, verbatim between the markers.</summary>
    private static (TrainingResult Result, FlowGanTraining.ProgressLog Progress) Snippet()
    {
        var (train, heldOut) = FlowGanTraining.Data();
        var progress = new FlowGanTraining.ProgressLog();
        // README:begin
        using var flow = Flow.Over(Dist.StandardNormal(2))
            .Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(64, 64)))
            .Then(Bij.Reverse())
            .Repeat(4)
            .Compile(Device.Cpu, seed: 0);
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(64, 64)).WithSpectralNorm().Compile(Device.Cpu, seed: 1);

        // The flow minimises 1·(−log p) + 0.5·(the non-saturating generator loss); the critic minimises the GAN loss.
        var objective = Objective.Likelihood + (0.5 * Objective.Adversarial(Objective.NonSaturating));
        using var adversary = new Adversary(flow, critic, objective);
        using var adam = new FusedAdam(flow.parameters(), 2e-3);
        var trainer = new Trainer(flow, adam, x => adversary.ModelLoss(x, b => -flow.LogProb(b).mean()),
            new TrainingOptions { Epochs = 10, BatchSize = 256 }) { Validation = x => -flow.LogProb(x) };
        var result = trainer.Fit(train, heldOut, progress); // reports the terms "nll", "adversarial" and "critic"
        // README:end
        return (result, progress);
    }

    private static string ReadmeBlock()
    {
        var text = File.ReadAllText(ReadmeSnippetTests.RepositoryFile("src/Gen.Dsl/README.md")).Replace("\r", "", StringComparison.Ordinal);
        int at = text.IndexOf(Heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"src/Gen.Dsl/README.md has no section '{Heading}'");
        int start = text.IndexOf("```csharp\n", at, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = text.IndexOf("```", start, StringComparison.Ordinal);
        return Normalise(text[start..end]);
    }

    private static string Normalise(string code) =>
        string.Join("\n", code.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [Fact]
    public void The_README_shows_the_tested_Flow_GAN_snippet()
    {
        Assert.Equal(ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/Hybrid/FlowGanReadmeTests.cs"), ReadmeBlock());
    }

    [Fact]
    public void The_README_Flow_GAN_snippet_learns_and_reports_its_terms()
    {
        var (result, progress) = Snippet();
        // The untrained flow's held-out negative log-likelihood is 5.96 nats.
        Assert.True(result.ValidationLoss[^1] < 4.2, $"held-out NLL {string.Join(", ", result.ValidationLoss)}");
        Assert.Equal(new[] { "adversarial", "critic", "nll" }, progress.Reports[^1].Terms.Keys.Order());
    }
}
