using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The masks of one MADE draw (Germain et al. 2015, eq. 12–13). Input feature j has degree m(j) = its position + 1;
/// a hidden unit of degree k may read units of degree ≤ k below it; output (d, ·) may read hidden units of degree
/// strictly below m(d). So output d depends only on features at earlier positions.
/// </summary>
/// <param name="Order">Position p holds feature Order[p].</param>
/// <param name="Layers">One mask per layer, hidden layers then the output layer, each [out, in] as row-major floats.</param>
internal sealed record MadeMasks(long[] Order, float[][] Layers)
{
    public static MadeMasks Draw(long features, IReadOnlyList<int> hidden, int outputsPerFeature, InputOrder order, HiddenDegrees degrees, int draw, string path)
    {
        var o = order.Resolve(features, draw, $"{path}.order");
        var input = new int[features];
        for (int p = 0; p < features; p++)
        {
            input[o[p]] = p + 1;
        }

        var hiddenDegrees = degrees.Assign(hidden, features, draw);
        var layers = new float[hidden.Count + 1][];
        var below = input;
        for (int l = 0; l < hidden.Count; l++)
        {
            var above = hiddenDegrees[l];
            layers[l] = Connect(above, below, (a, b) => a >= b);
            below = above;
        }

        var outputs = input.SelectMany(d => Enumerable.Repeat(d, outputsPerFeature)).ToArray();
        layers[^1] = Connect(outputs, below, (a, b) => a > b);
        return new MadeMasks(o, layers);
    }

    public torch.Tensor Layer(int index, long rows, long cols) => torch.tensor(Layers[index], rows, cols);

    /// <summary>The mask of direct connections, [D·K, D]: output (d, ·) reads input j when j comes before d in the order.</summary>
    public torch.Tensor Direct(int outputsPerFeature)
    {
        var input = new int[Order.Length];
        for (int p = 0; p < Order.Length; p++)
        {
            input[Order[p]] = p + 1;
        }

        var outputs = input.SelectMany(d => Enumerable.Repeat(d, outputsPerFeature)).ToArray();
        return torch.tensor(Connect(outputs, input, (a, b) => a > b), outputs.Length, input.Length);
    }

    private static float[] Connect(int[] above, int[] below, System.Func<int, int, bool> connected)
    {
        var m = new float[above.Length * below.Length];
        for (int i = 0; i < above.Length; i++)
        {
            for (int j = 0; j < below.Length; j++)
            {
                m[(i * below.Length) + j] = connected(above[i], below[j]) ? 1f : 0f;
            }
        }

        return m;
    }
}
