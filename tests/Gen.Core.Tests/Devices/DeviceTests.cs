using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Devices;

public sealed class DeviceTests
{
    [Fact]
    public void The_best_device_is_the_first_gpu_when_there_is_one_and_the_cpu_otherwise()
    {
        var best = Device.Best;
        if (Device.IsCudaAvailable)
        {
            Assert.Equal(DeviceType.CUDA, best.type);
            Assert.Equal(0, best.index);
        }
        else
        {
            Assert.Equal(DeviceType.CPU, best.type);
        }

        using var x = torch.ones(2, device: best);
        Assert.Equal(best.type, x.device_type);
    }
}
