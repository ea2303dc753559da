using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>Asking for a GPU that is not there names what is there.</summary>
[Trait("Category", "Cuda")]
public sealed class DeviceErrorsOnCuda
{
    [CudaFact]
    public void A_missing_gpu_index_names_the_count()
    {
        var count = TorchSharp.torch.cuda.device_count();
        var e = Assert.Throws<GenDeviceException>(() => Device.Cuda(count));
        Assert.Contains($"{count} GPU", e.Message);
        Assert.Equal("cuda", Device.Parse("cuda").type.ToString().ToLowerInvariant());
    }
}
