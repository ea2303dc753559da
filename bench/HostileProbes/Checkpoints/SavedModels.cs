using System;
using System.Collections.Concurrent;
using System.IO;
using Gen;
using Gen.Dsl;
using Gen.Optimization;
using HostileProbes.Harness;
using HostileProbes.Specs;
using TorchSharp;

namespace HostileProbes.Checkpoints;

/// <summary>
/// Good checkpoints to damage: every family of <see cref="ValidSpecs"/> compiled with seed 0 and saved, and the vector
/// flow also saved with the state of a <see cref="FusedAdam"/> that has taken one step. Saved once per process.
/// </summary>
internal static class SavedModels
{
    /// <summary>The name of the flow saved with its optimizer.</summary>
    public const string FlowWithOptimizer = "flow+adam";

    /// <summary>How the saved flow with its optimizer is made, as C#.</summary>
    public const string FlowWithOptimizerSource =
        "var m = ValidSpecs.Flow().Compile(Device.Cpu, seed: 0); var adam = new FusedAdam(m.parameters(), 0.01);\n" +
        "adam.ZeroGrad(); (-m.LogProb(torch.randn(16, 4, generator: Seed.Generator(4))).mean()).backward(); adam.Step();\n" +
        "Model.Save(\"good.ckpt\", m, adam);";

    private static readonly ConcurrentDictionary<string, byte[]> Saved = new();

    /// <summary>The bytes of the saved checkpoint <paramref name="name"/> (a <see cref="ValidSpecs"/> name, or <see cref="FlowWithOptimizer"/>).</summary>
    public static byte[] Bytes(string name) => Saved.GetOrAdd(name, Save);

    /// <summary>C# that saves it to "good.ckpt".</summary>
    public static string Source(string name) => name == FlowWithOptimizer
        ? FlowWithOptimizerSource
        : $"Model.Save(\"good.ckpt\", {System.Text.RegularExpressions.Regex.Replace(ValidSpecs.Named(name).Source, @"\s+", " ")}.Compile(Device.Cpu, seed: 0));";

    /// <summary>A model to load an optimizer or weights into: the family compiled afresh (another seed, so nothing matches by chance).</summary>
    public static torch.nn.Module Compile(string name) =>
        ValidSpecs.Named(name == FlowWithOptimizer ? "flow" : name).Build().Compile(Device.Cpu, seed: 1);

    private static byte[] Save(string name)
    {
        var path = Path.Combine(WorkFolder.Fresh("saved"), "good.ckpt");
        if (name == FlowWithOptimizer)
        {
            using var model = (FlowModel)ValidSpecs.Flow().Compile(Device.Cpu, seed: 0);
            using var adam = new FusedAdam(model.parameters(), 0.01);
            using (torch.NewDisposeScope())
            {
                using var g = Seed.Generator(4);
                adam.ZeroGrad();
                (-model.LogProb(torch.randn(new long[] { 16, 4 }, generator: g)).mean()).backward();
                adam.Step();
            }

            Model.Save(path, model, adam);
        }
        else
        {
            using var model = ValidSpecs.Named(name).Build().Compile(Device.Cpu, seed: 0);
            Model.Save(path, model);
        }

        return File.ReadAllBytes(path);
    }
}
