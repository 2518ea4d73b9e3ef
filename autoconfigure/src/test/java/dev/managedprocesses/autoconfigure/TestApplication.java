package dev.managedprocesses.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The smallest Spring Boot application: everything comes from auto-configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

}
