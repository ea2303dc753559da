using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>A fixed order of a model's features (position p holds feature order[p]) and the moves between the two layouts.</summary>
internal sealed class FeatureOrder
{
    private readonly long[] order;
    private readonly long[] inverse;

    public FeatureOrder(long[] order)
    {
        this.order = order;
        inverse = new long[order.Length];
        for (int p = 0; p < order.Length; p++)
        {
            inverse[order[p]] = p;
        }
    }

    /// <summary>A copy of the order.</summary>
    public long[] Order => order.ToArray();

    /// <summary>[batch, D] by feature to [batch, D] by position: column p holds feature order[p].</summary>
    public torch.Tensor ToPositions(torch.Tensor x) => Gather(x, order);

    /// <summary>[batch, D] by position back to [batch, D] by feature.</summary>
    public torch.Tensor ToFeatures(torch.Tensor x) => Gather(x, inverse);

    private static torch.Tensor Gather(torch.Tensor x, long[] index)
    {
        using var idx = torch.tensor(index, device: x.device);
        return x.index_select(1, idx);
    }
}
