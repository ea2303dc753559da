using System;
using System.Linq;
using TorchSharp;

namespace Gen.Bench;

/// <summary>Finds the parts of a compiled model by their registered names, so a hand-written twin can copy them.</summary>
internal static class CompiledParts
{
    /// <summary>
    /// The submodules of type <typeparamref name="T"/> named <c>steps.{i}.{leaf}</c> in a compiled flow, in step
    /// order (the order the flow applies them when sampling).
    /// </summary>
    public static T[] Steps<T>(torch.nn.Module model, string leaf) where T : torch.nn.Module =>
        model.named_modules()
            .Select(m => (Index: StepIndex(m.name, leaf), m.module))
            .Where(m => m.Index >= 0 && m.module is T)
            .OrderBy(m => m.Index)
            .Select(m => (T)m.module)
            .ToArray();

    /// <summary>The buffer named <paramref name="name"/>, detached and copied.</summary>
    public static torch.Tensor Buffer(torch.nn.Module model, string name) =>
        model.named_buffers().First(b => b.name == name).buffer.detach().clone();

    /// <summary>A copy of a tensor as a new trainable parameter.</summary>
    public static TorchSharp.Modules.Parameter Copy(torch.Tensor t) => new(t.detach().clone());

    private static int StepIndex(string name, string leaf)
    {
        var parts = name.Split('.');
        return parts.Length == 3 && parts[0] == "steps" && parts[2] == leaf && int.TryParse(parts[1], out int i) ? i : -1;
    }
}
