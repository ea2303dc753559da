using System.Linq;
using TorchSharp;

namespace Gen.Probability;

/// <summary>Reductions over trailing (event) dimensions.</summary>
public static class Reduce
{
    /// <summary>Sums the last <paramref name="dims"/> dimensions; returns the tensor itself when <paramref name="dims"/> is 0.</summary>
    public static torch.Tensor SumRightmost(torch.Tensor t, int dims)
    {
        System.ArgumentNullException.ThrowIfNull(t);
        if (dims <= 0)
        {
            return t;
        }

        return t.sum(Enumerable.Range((int)t.dim() - dims, dims).Select(d => (long)d).ToArray());
    }
}
