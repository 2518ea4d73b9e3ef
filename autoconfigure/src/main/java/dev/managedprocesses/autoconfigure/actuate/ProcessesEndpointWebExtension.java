package dev.managedprocesses.autoconfigure.actuate;

import java.util.Set;

import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Detail;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.StopResponse;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The web side of {@link ProcessesEndpoint}: shows values only to callers that
 * {@code show-values} allows (with {@code when-authorized}, those in one of the
 * configured roles), and answers 404 for a pid that is not a managed process, also on
 * DELETE.
 */
@EndpointWebExtension(endpoint = ProcessesEndpoint.class)
public class ProcessesEndpointWebExtension {

	private final ProcessesEndpoint delegate;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 * @param showValues when to show values
	 * @param roles the roles that may see values with {@link Show#WHEN_AUTHORIZED}
	 */
	public ProcessesEndpointWebExtension(ProcessesEndpoint delegate, Show showValues, Set<String> roles) {
		this.delegate = delegate;
		this.showValues = showValues;
		this.roles = roles;
	}

	/**
	 * The whole tree: the {@link ProcessesDescriptor} as UTF-8 JSON bytes serialized once
	 * for all callers of the same overview and written as they are, with their length (or
	 * the descriptor itself, when the endpoint has no JSON writer).
	 * @param securityContext the caller
	 * @return the response body: a {@code byte[]} of JSON or a
	 * {@link ProcessesDescriptor}
	 */
	@ReadOperation
	public Object processes(SecurityContext securityContext) {
		return this.delegate.describeForWeb(this.showValues.isShown(securityContext, this.roles));
	}

	/**
	 * One managed process.
	 * @param securityContext the caller
	 * @param pid the pid
	 * @return the detail, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<Detail> process(SecurityContext securityContext, @Selector long pid) {
		Detail detail = this.delegate.detail(pid, this.showValues.isShown(securityContext, this.roles));
		return (detail != null) ? new WebEndpointResponse<>(detail)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * Stops a managed process gracefully, whole tree.
	 * @param pid the pid
	 * @return 202 with the state after the request, or 404 for anything but a live
	 * managed process
	 */
	@DeleteOperation
	public WebEndpointResponse<StopResponse> stop(@Selector long pid) {
		StopResponse response = this.delegate.stop(pid);
		return (response != null) ? new WebEndpointResponse<>(response, 202)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
