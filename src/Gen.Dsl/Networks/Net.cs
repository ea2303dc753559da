using System;
using System.Linq;

namespace Gen.Dsl;

/// <summary>Factories for network nodes.</summary>
public static class Net
{
    /// <summary>A multilayer perceptron with these hidden widths and ReLU activations.</summary>
    /// <param name="hidden">Hidden-layer widths, in order; input and output widths come from where the net is used.</param>
    public static MlpSpec Mlp(params int[] hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var spec = new MlpSpec(new ValueList<int>(hidden), Activation.Relu);
        spec.Check("mlp");
        return spec;
    }
}
