namespace FluxMatching.Plotting.Tests;

public class ImageChartsTests
{
    [Fact]
    public void Greyscale_images_become_one_heatmap_mosaic_with_NaN_gaps()
    {
        var images = torch.arange(5 * 4 * 3, dtype: ScalarType.Float32).reshape(5, 1, 4, 3);
        var chart = ImageCharts.Grid(images, new ImageGridOptions { Columns = 3, Padding = 1 });
        var heat = Assert.Single(ChartJson.Traces(chart));
        Assert.Equal("heatmap", ChartJson.Str(heat, "type"));
        var z = heat.GetProperty("z").EnumerateArray().Select(r => ChartJson.Numbers(r)).ToArray();
        Assert.Equal(2 * 4 + 3, z.Length);       // 2 rows of images
        Assert.Equal(3 * 3 + 4, z[0].Length);    // 3 columns
        Assert.All(z[0], v => Assert.True(double.IsNaN(v)));
        Assert.Equal(0, z[1][1]);                // image 0, pixel (0, 0)
        Assert.Equal(12 + 2, z[1][1 + 4 + 2]);   // image 1, pixel (0, 2)
        Assert.Equal(4 * 12 + 11, z[1 + 5 + 3][1 + 4 + 2]);   // image 4, pixel (3, 2)
        Assert.Equal(0, heat.GetProperty("zmin").GetDouble());
        Assert.Equal(59, heat.GetProperty("zmax").GetDouble());
        Assert.Equal(-0.5, ChartJson.Layout(chart).GetProperty("yaxis").GetProperty("range")[1].GetDouble());   // row 0 on top
    }

    [Fact]
    public void Rgb_images_become_an_image_trace_scaled_to_bytes()
    {
        var images = torch.zeros(2, 3, 2, 2);
        images[0, 0] = torch.ones(2, 2);   // image 0 red
        var trace = Assert.Single(ChartJson.Traces(ImageCharts.Grid(images, new ImageGridOptions { Padding = 0 })));
        Assert.Equal("image", ChartJson.Str(trace, "type"));
        var px = trace.GetProperty("z")[0][0];
        Assert.Equal([255, 0, 0], px.EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 0, 0], trace.GetProperty("z")[0][2].EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Two_channel_images_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageCharts.Grid(torch.zeros(2, 2, 4, 4)));
        Assert.Contains("[2, 2, 4, 4]", e.Message);
    }

    [Fact]
    public void Array_images_of_different_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ImageCharts.Grid([new double[4, 4], new double[4, 5]]));
    }
}
