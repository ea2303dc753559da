using System;
using Gen;
using Gen.Dsl;

namespace HostileProbes.Checkpoints;

/// <summary>
/// One way of reading a checkpoint. <see cref="Arrange"/> builds what the read needs (a model to load an optimizer or
/// weights into) before the act that is measured; <see cref="CSharp"/> writes the read for a C# path expression.
/// </summary>
internal sealed record Reader(string Name, Func<string, Action> Arrange, Func<string, string> CSharp)
{
    public static readonly Reader Load = new("Model.Load", path => () => Gen.Dsl.Model.Load(path, Device.Cpu).Dispose(), p => $"Model.Load({p}, Device.Cpu);");

    public static readonly Reader ReadSpec = new("Model.ReadSpec", path => () => Gen.Dsl.Model.ReadSpec(path), p => $"Model.ReadSpec({p});");

    /// <summary>An optimizer into a model of family <paramref name="family"/>.</summary>
    public static Reader LoadOptimizer(string family = SavedModels.FlowWithOptimizer) => new(
        "Model.LoadOptimizer",
        path =>
        {
            var model = SavedModels.Compile(family);
            return () =>
            {
                using (model)
                {
                    Gen.Dsl.Model.LoadOptimizer(path, model).Dispose();
                }
            };
        },
        p => $"Model.LoadOptimizer({p}, {ModelOf(family)});");

    /// <summary>Weights into a model of family <paramref name="family"/>.</summary>
    public static Reader LoadWeights(string family = SavedModels.FlowWithOptimizer) => new(
        "Model.LoadWeights",
        path =>
        {
            var model = SavedModels.Compile(family);
            return () =>
            {
                using (model)
                {
                    Gen.Dsl.Model.LoadWeights(path, model);
                }
            };
        },
        p => $"Model.LoadWeights({p}, {ModelOf(family)});");

    /// <summary>Typed loading as a flow.</summary>
    public static readonly Reader LoadAsFlow = new("Model.Load<FlowModel>", path => () => Gen.Dsl.Model.Load<FlowModel>(path, Device.Cpu).Dispose(), p => $"Model.Load<FlowModel>({p}, Device.Cpu);");

    /// <summary>Every reader that works from the file alone or with the flow.</summary>
    public static readonly Reader[] Every = { Load, ReadSpec, LoadOptimizer(), LoadWeights() };

    private static string ModelOf(string family) =>
        family == SavedModels.FlowWithOptimizer ? "ValidSpecs.Flow().Compile(Device.Cpu, seed: 1)" : $"/* the {family} spec */ spec.Compile(Device.Cpu, seed: 1)";
}
