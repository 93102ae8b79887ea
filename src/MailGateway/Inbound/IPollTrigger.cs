namespace ClpMailGateway.Inbound;

/// <summary>Asks for a poll now (IDLE saw new mail).</summary>
public interface IPollTrigger
{
    Task TriggerAsync(CancellationToken cancellationToken);
}
