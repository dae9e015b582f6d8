// OrderController.java: @CrossOrigin on the controller and on one handler. Without
// `origins`, @CrossOrigin allows every origin.
package com.example.orders;

import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/orders")
@CrossOrigin(origins = {"https://shop.example.com", "https://Admin.Example.com/"}, maxAge = 3600)
public class OrderController {

    @GetMapping("/recent")
    public String recent() {
        return "[]";
    }

    @CrossOrigin(allowCredentials = "true", exposedHeaders = "X-Order-Id")
    @PostMapping("/checkout")
    public String checkout() {
        return "{}";
    }

    @GetMapping("/{id}")
    public String one(@PathVariable String id) {
        return "{}";
    }
}

@RestController
class PublicController {
    @CrossOrigin
    @GetMapping("/public/prices")
    public String prices() {
        return "[]";
    }
}
