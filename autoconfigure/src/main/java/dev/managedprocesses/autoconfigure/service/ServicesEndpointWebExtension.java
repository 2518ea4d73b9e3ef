package dev.managedprocesses.autoconfigure.service;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * Over HTTP, an action on an unknown service answers 404 instead of an empty 204.
 */
@EndpointWebExtension(endpoint = ServicesEndpoint.class)
public class ServicesEndpointWebExtension {

	private final ServicesEndpoint delegate;

	/**
	 * Creates the extension.
	 * @param delegate the endpoint
	 */
	public ServicesEndpointWebExtension(ServicesEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * As {@link ServicesEndpoint#act(SecurityContext, String, String)}, 404 for an
	 * unknown service.
	 * @param securityContext the caller
	 * @param name the service
	 * @param action {@code restart}, {@code stop} or {@code start}
	 * @return what was done
	 */
	@WriteOperation
	public WebEndpointResponse<ServicesDescriptor.ActionResponse> act(SecurityContext securityContext,
			@Selector String name, String action) {
		ServicesDescriptor.ActionResponse response = this.delegate.act(securityContext, name, action);
		return (response != null) ? new WebEndpointResponse<>(response)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
